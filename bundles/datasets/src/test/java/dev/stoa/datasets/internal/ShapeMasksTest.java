package dev.stoa.datasets.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoa.api.StoaException;
import dev.stoa.api.data.Image;
import dev.stoa.api.data.Mask;
import dev.stoa.api.dataset.Dataset;
import dev.stoa.api.dataset.Example;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code masks: true}: every copy's exact mask, checked against the pixels the renderer drew, which the masks are
 * computed apart from (each copy drawn alone, white on black).
 */
class ShapeMasksTest {

    private final ShapesDatasetFactory factory = new ShapesDatasetFactory();

    private static Map<String, Object> options(Object... kv) {
        Map<String, Object> m = new HashMap<>(Map.of("seed", 3, "image_size", 48, "max_count", 3, "masks", true));
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    private static int colourOf(Example e) {
        return ShapeColour.valueOf(e.attributes().get("colour").toUpperCase(Locale.ROOT))
                .rgb();
    }

    /** @return whether pixel i is nearer the shape colour than white (the background) */
    private static boolean nearerColour(Image image, int i, int colour) {
        int r = image.rgb()[3 * i] & 0xff;
        int g = image.rgb()[3 * i + 1] & 0xff;
        int b = image.rgb()[3 * i + 2] & 0xff;
        int cr = colour >> 16 & 0xff;
        int cg = colour >> 8 & 0xff;
        int cb = colour & 0xff;
        int toColour = (r - cr) * (r - cr) + (g - cg) * (g - cg) + (b - cb) * (b - cb);
        int toWhite = (255 - r) * (255 - r) + (255 - g) * (255 - g) + (255 - b) * (255 - b);
        return toColour < toWhite;
    }

    @Test
    void withHardEdgesTheMasksAreExactlyTheShapePixelsOneMaskPerCopyNoneOverlapping() {
        Dataset d = factory.open(options("antialias", "off", "rotation", 40));
        for (int k = 0; k < 200; k++) {
            Example e = d.split("train").get(k);
            List<Mask> masks = ShapeMasks.decode(e.attributes().get(ShapeMasks.ATTRIBUTE), 48);
            assertThat(masks).hasSize(Integer.parseInt(e.attributes().get("count")));
            int[] owner = new int[48 * 48];
            for (int m = 0; m < masks.size(); m++) {
                assertThat(masks.get(m).area()).as("copy %d of %s", m, e.id()).isPositive();
                for (int i = 0; i < owner.length; i++) {
                    if (masks.get(m).bits()[i] != 0) {
                        assertThat(owner[i])
                                .as("pixel %d of %s in two masks", i, e.id())
                                .isZero();
                        owner[i] = m + 1;
                    }
                }
            }
            int colour = colourOf(e);
            for (int i = 0; i < owner.length; i++) {
                int p = (e.image().rgb()[3 * i] & 0xff) << 16
                        | (e.image().rgb()[3 * i + 1] & 0xff) << 8
                        | (e.image().rgb()[3 * i + 2] & 0xff);
                assertThat(owner[i] != 0).as("pixel %d of %s", i, e.id()).isEqualTo(p == colour);
            }
        }
    }

    @Test
    void antialiasedAndResizedMasksHoldThePixelsNearerTheShapeColour() {
        for (Map<String, Object> o : List.of(options(), options("render_sizes", List.of(96), "rotation", 30))) {
            Dataset d = factory.open(o);
            long pixels = 0;
            long disagree = 0;
            long maskPixels = 0;
            for (int k = 0; k < 100; k++) {
                Example e = d.split("test").get(k);
                List<Mask> masks = ShapeMasks.decode(e.attributes().get(ShapeMasks.ATTRIBUTE), 48);
                int colour = colourOf(e);
                for (int i = 0; i < 48 * 48; i++) {
                    boolean in = false;
                    for (Mask m : masks) {
                        in |= m.bits()[i] != 0;
                    }
                    maskPixels += in ? 1 : 0;
                    disagree += in != nearerColour(e.image(), i, colour) ? 1 : 0;
                    pixels++;
                }
            }
            // only edge pixels covered about half may fall either way (rounding of the blend)
            assertThat((double) disagree / maskPixels).as("%s", o).isLessThan(0.01);
            assertThat(maskPixels).isGreaterThan(pixels / 20);
        }
    }

    @Test
    void theBoxInTheTextIsTheMasksBoxAndTheImagesDoNotChange() {
        Dataset with = factory.open(options("text_probability", 0.5));
        Dataset without = factory.open(Map.of("seed", 3, "image_size", 48, "max_count", 3, "text_probability", 0.5));
        for (int k = 0; k < 50; k++) {
            Example e = with.split("val").get(k);
            assertThat(e.image()).isEqualTo(without.split("val").get(k).image());
            assertThat(without.split("val").get(k).attributes()).doesNotContainKey(ShapeMasks.ATTRIBUTE);
            String text = e.attributes().get(ShapeMasks.ATTRIBUTE);
            List<Mask> masks = ShapeMasks.decode(text, 48);
            String[] parts = text.split(";");
            for (int m = 0; m < masks.size(); m++) {
                int[] box = masks.get(m).box();
                assertThat(parts[m]).startsWith(box[0] + "," + box[1] + "," + box[2] + "," + box[3] + ":");
            }
        }
    }

    @Test
    void aMasksValueOtherThanTrueOrFalseIsBadConfig() {
        assertThatThrownBy(() -> factory.open(Map.of("masks", "maybe")))
                .isInstanceOf(StoaException.class)
                .hasMessageContaining("masks");
    }
}
