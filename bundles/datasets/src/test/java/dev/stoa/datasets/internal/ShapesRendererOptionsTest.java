package dev.stoa.datasets.internal;

import static dev.stoa.datasets.internal.ShapesDatasetTest.assertBadConfigOf;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stoa.api.dataset.Dataset;
import dev.stoa.api.dataset.Example;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The renderer options of {@code shapes}: parsed, checked, and each one drawing. */
class ShapesRendererOptionsTest {

    private final ShapesDatasetFactory factory = new ShapesDatasetFactory();

    /** Every variation on at once, as a training file that wants them all would write it. */
    static Map<String, Object> everything(int imageSize) {
        Map<String, Object> o = new HashMap<>();
        o.put("image_size", imageSize);
        o.put("style", "mixed");
        o.put("rotation", 45);
        o.put("antialias", "mixed");
        o.put("colour_jitter", 1.0);
        o.put("background", "mixed");
        o.put("noise", 8);
        o.put("blur", 1.5);
        o.put("jpeg", 0.5);
        o.put("render_sizes", List.of(imageSize / 2, imageSize, 2 * imageSize));
        o.put("min_size", 0.15);
        o.put("max_size", 1.0);
        o.put("max_count", 3);
        return o;
    }

    @Test
    void badRendererOptionsNameTheOptionAndTheFix() {
        assertBad(Map.of("style", "dashed"), "'style'", "filled");
        assertBad(Map.of("rotation", 200), "'rotation'", "0.0 to 180.0");
        assertBad(Map.of("rotation", "lots"), "'rotation'", "a number");
        assertBad(Map.of("antialias", "yes"), "'antialias'", "mixed");
        assertBad(Map.of("colour_jitter", 1.5), "'colour_jitter'", "0.0 to 1.0");
        assertBad(Map.of("background", "black"), "'background'", "photo");
        assertBad(Map.of("noise", -1), "'noise'", "0.0 to 64.0");
        assertBad(Map.of("blur", 40), "'blur'", "0.0 to 32.0");
        assertBad(Map.of("jpeg", 2), "'jpeg'", "0.0 to 1.0");
        assertBad(Map.of("render_sizes", List.of(32, "big")), "'render_sizes'", "whole numbers from 8 to 1024");
        assertBad(Map.of("render_sizes", List.of(4)), "'render_sizes'", "whole numbers from 8 to 1024");
        assertBad(Map.of("render_sizes", List.of(8, 9, 10, 11, 12, 13, 14, 15, 16)), "'render_sizes'", "up to 8");
        assertBad(Map.of("test_renderer_size", -3), "'test_renderer_size'", "whole number");
        // the held-out renderer setting's combination cannot be trained on
        assertBad(Map.of("style", "outline", "background", "photo"), "'style'", "test-renderer");
        assertBad(Map.of("colour", "red"), "'colour'", "style");
    }

    @Test
    void optionsAreReadAsAYamlFileGivesThem() {
        Dataset d = factory.open(Map.of(
                "style", "Outline",
                "rotation", "30",
                "antialias", "OFF",
                "colour_jitter", "0.5",
                "render_sizes", "32, 64",
                "jpeg", 1));
        Map<String, Object> described = d.describe();
        assertThat(described)
                .containsEntry("style", "outline")
                .containsEntry("rotation", 30.0)
                .containsEntry("antialias", "off")
                .containsEntry("colour_jitter", 0.5)
                .containsEntry("render_sizes", List.of(32, 64))
                .containsEntry("jpeg", 1.0)
                .containsKey("held_out_renderer");
        assertThat(factory.open(Map.of()).describe()).containsEntry("render_sizes", List.of(32));
    }

    @Test
    void everyVariationOnAtOnceDrawsImagesOfTheImageSize() {
        for (int size : List.of(16, 32, 48)) {
            Dataset d = factory.open(everything(size));
            for (String split : d.splits()) {
                for (int i = 0; i < 40; i++) {
                    Example e = d.split(split).get(i);
                    assertThat(e.image().width()).isEqualTo(size);
                    assertThat(e.image().height()).isEqualTo(size);
                    assertThat(e.label())
                            .isEqualTo(e.attributes().get("colour") + " "
                                    + e.attributes().get("shape"));
                }
            }
        }
    }

    private void assertBad(Map<String, Object> options, String named, String fix) {
        assertBadConfigOf(() -> factory.open(options), named);
        assertBadConfigOf(() -> factory.open(options), fix);
    }
}
