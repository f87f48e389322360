package dev.stoa.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoa.api.data.Embedding;
import dev.stoa.api.data.Text;
import dev.stoa.api.service.TextEncoder;
import dev.stoa.bus.internal.InProcessBus;
import dev.stoa.onnxruntime.internal.SentenceEncoders;
import dev.stoa.vertx.LocalCodecs;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The real all-MiniLM-L6-v2 behind the bus's dynamic batching: concurrent calls answered from shared forward passes
 * (padded to the longest text, masked) get the same embeddings as calls encoded one at a time.
 */
class BatchedMiniLmTest {

    private static TextEncoder encoder;
    private static Vertx vertx;
    private static InProcessBus bus;

    @BeforeAll
    static void load() throws Exception {
        encoder = SentenceEncoders.load("all-minilm-l6-v2", Path.of(System.getProperty("stoa.bench.model")), 0);
        vertx = Vertx.vertx();
        LocalCodecs.registerAll(vertx);
        bus = new InProcessBus(vertx);
    }

    @AfterAll
    static void close() {
        bus.close();
        vertx.close().await();
        SentenceEncoders.close(encoder);
    }

    @Test
    void batchedEmbeddingsEqualOneAtATimeEmbeddings() {
        // a long delay, so that every call sent at once lands in one batch of texts of different lengths
        String address = bus.export(
                "encoder",
                "minilm",
                encoder,
                Map.of("batching.minilm.max_batch_size", "32", "batching.minilm.max_queue_delay_us", "300000"));
        List<String> texts = new ArrayList<>(BenchReport.SENTENCES);
        texts.add("Hi.");
        texts.add("A much longer text than the others, so that the batch is padded to it: tokens, more tokens, and"
                + " punctuation (!?) with numbers such as 1,234.56 and several clauses that go on and on.");
        List<Future<Object>> replies = new ArrayList<>();
        for (String t : texts) {
            replies.add(vertx.eventBus().request(address, new Text(t)).map(m -> m.body()));
        }
        // one caller speaks JSON, as HTTP and pipelines do: it shares the batch and gets JSON back
        Future<Object> json = vertx.eventBus()
                .request(address, new JsonObject().put("text", texts.get(0)))
                .map(m -> m.body());
        for (int i = 0; i < texts.size(); i++) {
            Embedding alone = encoder.call(new Text(texts.get(i)));
            Embedding batched = (Embedding) replies.get(i).await();
            assertThat(batched.cosine(alone)).as(texts.get(i)).isGreaterThanOrEqualTo(0.9999);
        }
        JsonArray fromJson = ((JsonObject) json.await()).getJsonArray("embedding");
        float[] v = new float[fromJson.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = fromJson.getFloat(i);
        }
        assertThat(new Embedding(v).cosine(encoder.call(new Text(texts.get(0)))))
                .isGreaterThanOrEqualTo(0.9999);
        assertThat(bus.batchSizes("minilm").sum()).isEqualTo(texts.size() + 1);
        assertThat(bus.batchSizes("minilm").count())
                .as("calls shared forward passes")
                .isLessThan(texts.size() / 2);
    }
}
