package dev.stoa.vertx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import dev.stoa.api.data.Audio;
import dev.stoa.api.data.Embedding;
import dev.stoa.api.data.Image;
import dev.stoa.api.data.Mask;
import dev.stoa.api.data.RecognizedText;
import dev.stoa.api.data.Text;
import dev.stoa.api.data.TextLine;
import dev.stoa.api.data.Tokens;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class PayloadsTest {

    /** Goes through the JSON text, as an HTTP caller's body would, not just the in-memory JsonObject. */
    private static <T> T roundTrip(T value, Class<T> type) {
        String wire = Payloads.toJson(value).encode();
        return Payloads.fromJson(new JsonObject(wire), type);
    }

    @Test
    void text() {
        assertThat(Payloads.toJson(new Text("héllo \"world\"")))
                .isEqualTo(new JsonObject().put("text", "héllo \"world\""));
        assertThat(roundTrip(new Text("héllo \"world\""), Text.class)).isEqualTo(new Text("héllo \"world\""));
    }

    @Test
    void stringUsesTheTextShape() {
        assertThat(Payloads.toJson("hi")).isEqualTo(new JsonObject().put("text", "hi"));
        assertThat(Payloads.fromJson(new JsonObject().put("text", "hi"), String.class))
                .isEqualTo("hi");
    }

    @Test
    void embeddingKeepsEveryFloatExactly() {
        Random random = new Random(42);
        float[] v = new float[1000];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) random.nextGaussian() * (float) Math.pow(10, random.nextInt(20) - 10);
        }
        v[0] = Float.MIN_VALUE;
        v[1] = Float.MAX_VALUE;
        v[2] = -0.1f;
        assertThat(roundTrip(new Embedding(v), Embedding.class).vector()).containsExactly(v);
    }

    @Test
    void embeddingFromIntegersAndDoubles() {
        JsonObject json = new JsonObject("{\"embedding\": [1, 0.5, -2e-3]}");
        assertThat(Payloads.fromJson(json, Embedding.class).vector()).containsExactly(1f, 0.5f, -0.002f);
    }

    @Test
    void tokensWithAndWithoutMask() {
        Tokens masked = new Tokens(new long[] {101, 7592, 102, 0, 5_000_000_000L}, new int[] {1, 1, 1, 0, 1});
        assertThat(roundTrip(masked, Tokens.class)).isEqualTo(masked);
        Tokens plain = new Tokens(new long[] {101, 102});
        assertThat(Payloads.toJson(plain).containsKey("attentionMask")).isFalse();
        assertThat(roundTrip(plain, Tokens.class)).isEqualTo(plain);
    }

    @Test
    void imageIsWrittenAsPngAndReadBack() {
        Image image = new Image(3, 2, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18});
        JsonObject json = Payloads.toJson(image);
        byte[] png = Base64.getDecoder().decode(json.getString("image"));
        // the PNG signature: \x89 P N G
        assertThat(png).startsWith((byte) 0x89, (byte) 'P', (byte) 'N', (byte) 'G');
        assertThat(roundTrip(image, Image.class)).isEqualTo(image);
    }

    @Test
    void imageFromJpegAndDataUrl() throws Exception {
        BufferedImage gray = new BufferedImage(8, 4, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 8; x++) {
                gray.setRGB(x, y, 0x808080);
            }
        }
        ByteArrayOutputStream jpeg = new ByteArrayOutputStream();
        ImageIO.write(gray, "jpeg", jpeg);
        String url = "data:image/jpeg;base64," + Base64.getEncoder().encodeToString(jpeg.toByteArray());
        Image image = Payloads.fromJson(new JsonObject().put("image", url), Image.class);
        assertThat(image.width()).isEqualTo(8);
        assertThat(image.height()).isEqualTo(4);
        // JPEG is lossy, but a flat gray survives within a step or two
        assertThat(image.rgb()[0] & 0xff).isBetween(0x7e, 0x82);
    }

    @Test
    void audioRoundTripAndMonoDefault() {
        Audio stereo = new Audio(new float[] {0.5f, -0.5f, 0.25f, -0.25f}, 16000, 2);
        assertThat(roundTrip(stereo, Audio.class)).isEqualTo(stereo);
        Audio mono = Payloads.fromJson(
                new JsonObject()
                        .put("samples", new JsonArray().add(0.1).add(0.2))
                        .put("sampleRate", 8000),
                Audio.class);
        assertThat(mono.channels()).isEqualTo(1);
    }

    @Test
    void maskRoundTrip() {
        Mask mask = new Mask(3, 2, new byte[] {0, 1, 1, 0, 0, 1});
        JsonObject json = Payloads.toJson(mask);
        assertThat(json.getJsonObject("rle").getJsonArray("counts").getList()).containsExactly(2, 1, 1, 2);
        assertThat(json.getInteger("area")).isEqualTo(3);
        assertThat(roundTrip(mask, Mask.class)).isEqualTo(mask);
        // the first form, raw bits, is still read
        JsonObject first = new JsonObject()
                .put("width", 3)
                .put("height", 2)
                .put("bits", Base64.getEncoder().encodeToString(new byte[] {0, 1, 1, 0, 0, 1}));
        assertThat(Payloads.fromJson(first, Mask.class)).isEqualTo(mask);
    }

    @Test
    void recognizedTextRoundTripWithJoinedText() {
        RecognizedText text = new RecognizedText(List.of(
                new TextLine("Hello, world!", 0.975, 12, 8, 140, 24), new TextLine("line \"2\"", 0.5, 12, 40, 60, 20)));
        JsonObject json = Payloads.toJson(text);
        assertThat(json.getString("text")).isEqualTo("Hello, world!\nline \"2\"");
        JsonObject first = json.getJsonArray("lines").getJsonObject(0);
        assertThat(first.getDouble("confidence")).isEqualTo(0.975);
        assertThat(List.of(
                        first.getInteger("x"),
                        first.getInteger("y"),
                        first.getInteger("width"),
                        first.getInteger("height")))
                .containsExactly(12, 8, 140, 24);
        assertThat(roundTrip(text, RecognizedText.class)).isEqualTo(text);
        assertThat(roundTrip(new RecognizedText(List.of()), RecognizedText.class)
                        .lines())
                .isEmpty();
    }

    @Test
    void recognizedTextErrorsNameTheLine() {
        assertBadInput(() -> Payloads.fromJson(new JsonObject(), RecognizedText.class), "'lines'", "is missing");
        JsonObject noHeight = new JsonObject(
                "{\"lines\": [{\"text\": \"a\", \"confidence\": 1, \"x\": 0," + " \"y\": 0, \"width\": 3}]}");
        assertBadInput(() -> Payloads.fromJson(noHeight, RecognizedText.class), "'lines[0].height'", "is missing");
        JsonObject tooSure = new JsonObject("{\"lines\": [{\"text\": \"a\", \"confidence\": 1.5, \"x\": 0,"
                + " \"y\": 0, \"width\": 3, \"height\": 3}]}");
        assertBadInput(() -> Payloads.fromJson(tooSure, RecognizedText.class), "'lines[0].confidence'", "[0, 1]");
    }

    @Test
    void jsonObjectAndMapPassThrough() {
        JsonObject json = new JsonObject().put("anything", 1);
        assertThat(Payloads.toJson(json)).isSameAs(json);
        assertThat(Payloads.fromJson(json, JsonObject.class)).isSameAs(json);
        Map<String, Object> map = new HashMap<>(Map.of("k", "v"));
        assertThat(Payloads.toJson(map).getMap()).isSameAs(map);
        assertThat(Payloads.fromJson(new JsonObject(map), Map.class)).isSameAs(map);
    }

    @Test
    void missingFieldNamesTheField() {
        assertBadInput(() -> Payloads.fromJson(new JsonObject(), Embedding.class), "'embedding'", "is missing");
        assertBadInput(() -> Payloads.fromJson(new JsonObject(), Text.class), "'text'", "is missing");
        assertBadInput(() -> Payloads.fromJson(new JsonObject(), Image.class), "'image'", "is missing");
        assertBadInput(
                () -> Payloads.fromJson(new JsonObject().put("samples", new JsonArray()), Audio.class),
                "'sampleRate'",
                "is missing");
        assertBadInput(
                () -> Payloads.fromJson(new JsonObject().put("width", 1).put("height", 1), Mask.class),
                "'mask'",
                "is missing");
    }

    @Test
    void wrongTypesNameTheFieldAndWhatToSend() {
        assertBadInput(
                () -> Payloads.fromJson(new JsonObject().put("text", 5), Text.class), "'text'", "must be a string");
        assertBadInput(
                () -> Payloads.fromJson(new JsonObject("{\"embedding\": [1, \"x\"]}"), Embedding.class),
                "'embedding[1]'",
                "must be a number");
        assertBadInput(
                () -> Payloads.fromJson(new JsonObject("{\"ids\": [1, 2.5]}"), Tokens.class),
                "'ids[1]'",
                "whole number");
        assertBadInput(
                () -> Payloads.fromJson(new JsonObject().put("image", "not base64!"), Image.class),
                "'image'",
                "base64");
        assertBadInput(() -> Payloads.fromJson(null, Text.class), "'body'", "is missing");
    }

    @Test
    void recordValidationStillApplies() {
        // the JSON is well-formed, but the record refuses a mask of the wrong size
        assertBadInput(
                () -> Payloads.fromJson(
                        new JsonObject()
                                .put("width", 2)
                                .put("height", 2)
                                .put("bits", Base64.getEncoder().encodeToString(new byte[3])),
                        Mask.class),
                "'bits'",
                "4");
    }

    @Test
    void typeWithoutJsonFormIsAnInternalError() {
        assertThatThrownBy(() -> Payloads.toJson(new Object()))
                .isInstanceOfSatisfying(
                        StoaException.class, e -> assertThat(e.code()).isEqualTo(FailureCode.INTERNAL))
                .hasMessageContaining("java.lang.Object")
                .hasMessageContaining("Embedding");
        assertThatThrownBy(() -> Payloads.fromJson(new JsonObject(), Integer.class))
                .isInstanceOfSatisfying(
                        StoaException.class, e -> assertThat(e.code()).isEqualTo(FailureCode.INTERNAL));
    }

    private static void assertBadInput(Runnable call, String... messageParts) {
        assertThatThrownBy(call::run)
                .isInstanceOfSatisfying(
                        StoaException.class, e -> assertThat(e.code()).isEqualTo(FailureCode.BAD_INPUT))
                .message()
                .contains(messageParts);
    }
}
