package dev.stoa.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import dev.stoa.api.data.Embedding;
import dev.stoa.api.data.Text;
import dev.stoa.api.runtime.ServiceCaller;
import dev.stoa.api.runtime.ServiceDirectory;
import dev.stoa.api.service.TextEncoder;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.FrameworkUtil;
import org.osgi.util.tracker.ServiceTracker;

/**
 * The distribution serves real sentence encoders on the bus: all-MiniLM-L6-v2 out of the box, another model once its
 * configuration file is copied into etc/, gone again when the file is deleted.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class EncodersIT extends StoaTestSupport {

    private static final String MINILM = "stoa.encoder.all-minilm-l6-v2";

    @Test
    public void shippedMiniLmAnswersJsonWithUnitVectors() throws Exception {
        Vertx vertx = service(Vertx.class);
        ServiceDirectory directory = service(ServiceDirectory.class);
        await("all-minilm-l6-v2 exported", () -> available(directory, "all-minilm-l6-v2"));

        Embedding guitar = embed(vertx, MINILM, "A man is playing a guitar.");
        Embedding music = embed(vertx, MINILM, "Someone performs music on a string instrument.");
        Embedding stocks = embed(vertx, MINILM, "Stock markets fell sharply on Tuesday.");
        for (Embedding e : new Embedding[] {guitar, music, stocks}) {
            assertEquals(384, e.dimension());
            assertEquals(1.0, e.norm(), 1e-5);
        }
        // a real model, not noise: the paraphrase is nearer than the unrelated sentence
        assertTrue(
                "paraphrase " + guitar.cosine(music) + " vs unrelated " + guitar.cosine(stocks),
                guitar.cosine(music) > guitar.cosine(stocks) + 0.2);

        // in process, the same service is a TextEncoder: a batch gives what the JSON calls gave
        String filter = "(&(objectClass=" + TextEncoder.class.getName() + ")(stoa.id=all-minilm-l6-v2))";
        ServiceTracker<TextEncoder, TextEncoder> tracker =
                new ServiceTracker<>(context, FrameworkUtil.createFilter(filter), null);
        tracker.open();
        TextEncoder encoder = tracker.waitForService(WAIT_MS);
        assertNotNull("no TextEncoder with stoa.id=all-minilm-l6-v2", encoder);
        assertEquals(384, encoder.dimension());
        List<Embedding> batch = encoder.encodeBatch(
                List.of(new Text("A man is playing a guitar."), new Text("Stock markets fell sharply on Tuesday.")));
        assertEquals(1.0, batch.get(0).cosine(guitar), 1e-4);
        assertEquals(1.0, batch.get(1).cosine(stocks), 1e-4);
        tracker.close();

        // the in-process door: the bus's ServiceCaller runs it on this thread and gives the same vector
        ServiceCaller caller = service(ServiceCaller.class);
        Embedding direct = caller.call("all-minilm-l6-v2", new Text("A man is playing a guitar."), Embedding.class);
        assertEquals(1.0, direct.cosine(guitar), 1e-4);
        try {
            caller.call("all-minilm-l6-v2", new Text(""), Embedding.class);
            fail("empty text must fail through the caller too");
        } catch (StoaException e) {
            assertEquals(FailureCode.BAD_INPUT, e.code());
        }
        try {
            caller.call("no-such-encoder", new Text("x"), Embedding.class);
            fail("an unknown id must fail");
        } catch (StoaException e) {
            assertEquals(FailureCode.UNKNOWN_SERVICE, e.code());
        }

        try {
            vertx.eventBus().request(MINILM, new JsonObject().put("text", "")).await();
            fail("empty text must fail");
        } catch (ReplyException e) {
            assertEquals(FailureCode.BAD_INPUT, FailureCode.of(e.failureCode()));
            assertTrue(e.getMessage(), e.getMessage().contains("'text'"));
        }
        try {
            vertx.eventBus()
                    .request(MINILM, new JsonObject().put("txt", "typo"))
                    .await();
            fail("a request without 'text' must fail");
        } catch (ReplyException e) {
            assertEquals(FailureCode.BAD_INPUT, FailureCode.of(e.failureCode()));
            assertTrue(e.getMessage(), e.getMessage().contains("text"));
        }
    }

    @Test
    public void anotherModelIsServedByCopyingItsConfigurationAndUnloadedByDeletingIt() throws Exception {
        Vertx vertx = service(Vertx.class);
        ServiceDirectory directory = service(ServiceDirectory.class);
        Path home = Path.of(context.getProperty("stoa.home"));
        String name = "dev.stoa.onnxruntime.textencoder-bge-small-en-v1.5-q.cfg";
        Path cfg = home.resolve("etc").resolve(name);
        Path tmp = home.resolve(name + ".part");
        Files.copy(home.resolve("models/bge-small-en-v1.5-q").resolve(name), tmp);
        Files.move(tmp, cfg, StandardCopyOption.ATOMIC_MOVE);
        await("bge-small-en-v1.5-q exported", () -> available(directory, "bge-small-en-v1.5-q"));

        Embedding e = embed(vertx, "stoa.encoder.bge-small-en-v1.5-q", "Represent this sentence for retrieval.");
        assertEquals(384, e.dimension());
        assertEquals(1.0, e.norm(), 1e-5);

        Files.delete(cfg);
        await("bge-small-en-v1.5-q no longer available", () -> !available(directory, "bge-small-en-v1.5-q"));
    }

    private static Embedding embed(Vertx vertx, String address, String text) {
        JsonObject reply = (JsonObject) vertx.eventBus()
                .request(address, new JsonObject().put("text", text))
                .await()
                .body();
        JsonArray vector = reply.getJsonArray("embedding");
        float[] v = new float[vector.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = vector.getNumber(i).floatValue();
        }
        return new Embedding(v);
    }

    private static boolean available(ServiceDirectory directory, String id) {
        return directory.services().stream()
                .anyMatch(s -> s.id().equals(id) && "encoder".equals(s.kind()) && "available".equals(s.state()));
    }
}
