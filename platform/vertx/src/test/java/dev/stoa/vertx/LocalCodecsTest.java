package dev.stoa.vertx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.stoa.api.data.Audio;
import dev.stoa.api.data.Embedding;
import dev.stoa.api.data.Image;
import dev.stoa.api.data.Mask;
import dev.stoa.api.data.RecognizedText;
import dev.stoa.api.data.Text;
import dev.stoa.api.data.TextLine;
import dev.stoa.api.data.Tokens;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class LocalCodecsTest {

    private static final List<Object> SAMPLES = List.of(
            new Text("a prompt"),
            new Embedding(new float[] {0.25f, -1f, 3.5e-8f}),
            new Tokens(new long[] {101, 2023, 102}, new int[] {1, 1, 0}),
            new Image(2, 1, new byte[] {(byte) 255, 0, 0, 0, (byte) 255, 0}),
            new Audio(new float[] {0f, 0.5f, -0.5f}, 16000, 1),
            new Mask(2, 2, new byte[] {1, 0, 0, 1}),
            new dev.stoa.api.data.Segment(new Mask(2, 2, new byte[] {1, 0, 0, 1}), new int[] {0, 0, 2, 2}, 0.75, "x"),
            new RecognizedText(List.of(new TextLine("OCR", 0.9, 1, 2, 30, 12))),
            new dev.stoa.api.generation.GenerationRequest(
                    "a red", new dev.stoa.api.generation.GenerationOptions(8, 0.5, 4, 0.9, 1, List.of("."), 3L)),
            new dev.stoa.api.generation.Generation(
                    " circle", 7, dev.stoa.api.generation.FinishReason.STOP, "gpt-tiny", false));

    @BeforeEach
    void register(Vertx vertx) {
        LocalCodecs.registerAll(vertx);
    }

    @Test
    void registeringTwiceIsHarmless(Vertx vertx) {
        assertThatCode(() -> LocalCodecs.registerAll(vertx)).doesNotThrowAnyException();
    }

    @Test
    void localRequestDeliversTheSameInstance(Vertx vertx, VertxTestContext test) {
        Embedding sent = new Embedding(new float[] {1f, 2f, 3f});
        Image reply = new Image(1, 1, new byte[] {1, 2, 3});
        vertx.eventBus().<Embedding>consumer("stoa.test.same", message -> {
            test.verify(() -> assertThat(message.body()).isSameAs(sent));
            message.reply(reply);
        });
        vertx.eventBus().<Image>request("stoa.test.same", sent).onComplete(test.succeeding(answer -> {
            test.verify(() -> assertThat(answer.body()).isSameAs(reply));
            test.completeNow();
        }));
    }

    @Test
    void everyRecordTypeTravelsByReference(Vertx vertx, VertxTestContext test) {
        vertx.eventBus().consumer("stoa.test.echo", message -> message.reply(message.body()));
        var checkpoint = test.checkpoint(SAMPLES.size());
        for (Object sample : SAMPLES) {
            vertx.eventBus().request("stoa.test.echo", sample).onComplete(test.succeeding(answer -> {
                test.verify(() -> assertThat(answer.body()).isSameAs(sample));
                checkpoint.flag();
            }));
        }
    }

    @Test
    void wireFormRoundTrips() {
        for (MessageCodec<?, ?> codec : LocalCodecs.all()) {
            Object sample = SAMPLES.stream()
                    .filter(s -> codec.name().equals("stoa." + s.getClass().getSimpleName()))
                    .findFirst()
                    .orElseThrow();
            // Vert.x writes a frame header before the body: decode must honour the position it is given
            Buffer frame = Buffer.buffer().appendString("header");
            encode(codec, frame, sample);
            int end = frame.length();
            frame.appendString("trailer");
            Object decoded = codec.decodeFromWire("header".length(), frame);
            assertThat(decoded).isEqualTo(sample).isNotSameAs(sample);
            assertThat(frame.getString(end, frame.length())).isEqualTo("trailer");
        }
    }

    @Test
    void oneCodecPerRecordType() {
        assertThat(LocalCodecs.all())
                .extracting(MessageCodec::name)
                .containsExactlyInAnyOrder(
                        "stoa.Text",
                        "stoa.Embedding",
                        "stoa.Tokens",
                        "stoa.Image",
                        "stoa.Audio",
                        "stoa.Mask",
                        "stoa.Segment",
                        "stoa.RecognizedText",
                        "stoa.GenerationRequest",
                        "stoa.Generation");
        assertThat(LocalCodecs.all())
                .allSatisfy(c -> assertThat(c.systemCodecID()).isEqualTo((byte) -1));
    }

    @SuppressWarnings("unchecked")
    private static void encode(MessageCodec<?, ?> codec, Buffer buffer, Object value) {
        ((MessageCodec<Object, ?>) codec).encodeToWire(buffer, value);
    }
}
