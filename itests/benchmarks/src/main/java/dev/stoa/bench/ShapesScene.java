package dev.stoa.bench;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The kinds of shapes scene the rendering benchmarks time, as the options and split of the {@code shapes} dataset. */
public enum ShapesScene {

    /** One shape on white. */
    PLAIN,

    /** A noise background, up to 3 copies of the shape, a word in a quarter of the images. */
    BUSY,

    /**
     * Every renderer variation on: mixed style, antialiasing and background, turns up to 45 degrees, full colour
     * jitter, pixel noise up to sigma 8, blur up to 1.5 px, a JPEG round trip in half the images, drawn at half,
     * once or twice the image size, sizes 0.15-1.0, up to 3 copies.
     */
    VARIED,

    /** The split {@code test-renderer}: the held-out renderer setting (outlines on photos, drawn at 2x, JPEG). */
    HELDOUT;

    /**
     * @param imageSize the side of the square images, in pixels
     * @return the options that open the {@code shapes} dataset with this scene
     */
    Map<String, Object> options(int imageSize) {
        return switch (this) {
            case PLAIN -> Map.of("image_size", imageSize);
            case BUSY ->
                Map.of("image_size", imageSize, "background", "noise", "max_count", 3, "text_probability", 0.25);
            case VARIED ->
                Map.ofEntries(
                        Map.entry("image_size", imageSize),
                        Map.entry("style", "mixed"),
                        Map.entry("rotation", 45),
                        Map.entry("antialias", "mixed"),
                        Map.entry("colour_jitter", 1.0),
                        Map.entry("background", "mixed"),
                        Map.entry("noise", 8),
                        Map.entry("blur", 1.5),
                        Map.entry("jpeg", 0.5),
                        Map.entry("render_sizes", List.of(imageSize / 2, imageSize, 2 * imageSize)),
                        Map.entry("min_size", 0.15),
                        Map.entry("max_size", 1.0),
                        Map.entry("max_count", 3));
            case HELDOUT -> Map.of("image_size", imageSize, "test_renderer_size", 1_000_000);
        };
    }

    /** @return the split the scene reads: {@code test-renderer} for the held-out setting, else {@code train} */
    String split() {
        return this == HELDOUT ? "test-renderer" : "train";
    }

    /** @return the name as the reports print it, {@code plain} or {@code busy} */
    String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
