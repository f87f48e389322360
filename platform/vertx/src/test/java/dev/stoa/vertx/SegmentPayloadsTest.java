package dev.stoa.vertx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import dev.stoa.api.data.Image;
import dev.stoa.api.data.Mask;
import dev.stoa.api.data.Segment;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** A segment's JSON: a PNG a browser shows, COCO run lengths, the box and the score; bad input names the field. */
class SegmentPayloadsTest {

    /** 4 x 3, an L: (1,0), (1,1), (1,2), (2,2). */
    private static final Mask L = new Mask(4, 3, new byte[] {0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 0});

    @Test
    void segmentJsonHasPngRleBoxScoreAreaAndRoundTrips() {
        Segment s = new Segment(L, new int[] {1, 0, 3, 3}, 0.93, "red circle");
        JsonObject json = Payloads.toJson(s);
        // the PNG decodes as an image: white where the mask is set, black elsewhere
        Image png = Image.decode(Base64.getDecoder().decode(json.getString("mask")));
        assertThat(png.width()).isEqualTo(4);
        assertThat(png.rgb()[3] & 0xff).isEqualTo(255);
        assertThat(png.rgb()[0] & 0xff).isZero();
        // column-major: col 0 = 000, col 1 = 111, col 2 = 001, col 3 = 000 -> 3, 3, 2, 1, 3
        JsonObject rle = json.getJsonObject("rle");
        assertThat(rle.getJsonArray("counts").getList()).containsExactly(3, 3, 2, 1, 3);
        assertThat(rle.getJsonArray("size").getList()).containsExactly(3, 4);
        assertThat(rle.getString("order")).isEqualTo("column-major");
        assertThat(json.getJsonArray("box").getList()).containsExactly(1, 0, 3, 3);
        assertThat(json.getDouble("score")).isEqualTo(0.93);
        assertThat(json.getInteger("area")).isEqualTo(4);
        assertThat(json.getString("label")).isEqualTo("red circle");
        assertThat(Payloads.fromJson(json, Segment.class)).isEqualTo(s);
        assertThat(Payloads.types()).contains(Segment.class);
    }

    @Test
    void aSegmentMayBeSentAsRleAloneAndGetsTheMasksBox() {
        JsonObject json = new JsonObject()
                .put(
                        "rle",
                        new JsonObject()
                                .put("size", new JsonArray().add(3).add(4))
                                .put(
                                        "counts",
                                        new JsonArray()
                                                .add(3)
                                                .add(3)
                                                .add(2)
                                                .add(1)
                                                .add(3)))
                .put("score", 0.5);
        Segment s = Payloads.fromJson(json, Segment.class);
        assertThat(s.mask()).isEqualTo(L);
        assertThat(s.box()).containsExactly(1, 0, 3, 3);
        assertThat(s.label()).isNull();
    }

    @Test
    void aPngThatIsNotAMaskIsBadInputNamingMask() {
        byte[] grey = new byte[4 * 3 * 3];
        java.util.Arrays.fill(grey, (byte) 90);
        JsonObject json =
                new JsonObject().put("mask", Base64.getEncoder().encodeToString(new Image(4, 3, grey).encodePng()));
        assertBadInput(() -> Payloads.fromJson(json, Segment.class), "'mask': pixel (0, 0) is (90, 90, 90)");
        assertBadInput(() -> Payloads.fromJson(new JsonObject().put("mask", "bm90IGEgcG5n"), Segment.class), "'mask':");
        assertBadInput(() -> Payloads.fromJson(new JsonObject().put("score", 1), Segment.class), "'mask': is missing");
    }

    @Test
    void aBoxOutsideTheImageIsBadInputNamingBox() {
        JsonObject json = Payloads.toJson(Segment.of(L, 0.9))
                .put("box", new JsonArray().add(0).add(0).add(5).add(3));
        assertBadInput(() -> Payloads.fromJson(json, Segment.class), "'box': is [0, 0, 5, 3]");
        JsonObject reversed = Payloads.toJson(Segment.of(L, 0.9))
                .put("box", new JsonArray().add(3).add(0).add(1).add(3));
        assertBadInput(() -> Payloads.fromJson(reversed, Segment.class), "'box':");
        JsonObject words = Payloads.toJson(Segment.of(L, 0.9)).put("score", "high");
        assertBadInput(() -> Payloads.fromJson(words, Segment.class), "'score':");
    }

    @Test
    void badRunLengthsNameTheirField() {
        JsonObject short1 = new JsonObject()
                .put(
                        "rle",
                        new JsonObject()
                                .put("size", new JsonArray().add(3).add(4))
                                .put("counts", new JsonArray().add(3)));
        assertBadInput(() -> Payloads.fromJson(short1, Mask.class), "'rle.counts': sum to 3");
        JsonObject rowMajor = new JsonObject()
                .put(
                        "rle",
                        new JsonObject()
                                .put("size", new JsonArray().add(1).add(1))
                                .put("counts", new JsonArray().add(1))
                                .put("order", "row-major"));
        assertBadInput(() -> Payloads.fromJson(rowMajor, Mask.class), "'rle.order'");
        JsonObject noSize = new JsonObject().put("rle", new JsonObject().put("counts", new JsonArray().add(1)));
        assertBadInput(() -> Payloads.fromJson(noSize, Mask.class), "'rle.size'");
    }

    private static void assertBadInput(Runnable call, String part) {
        assertThatThrownBy(call::run)
                .isInstanceOfSatisfying(
                        StoaException.class, e -> assertThat(e.code()).isEqualTo(FailureCode.BAD_INPUT))
                .message()
                .contains(part);
    }
}
