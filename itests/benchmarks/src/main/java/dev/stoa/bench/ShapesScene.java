package dev.stoa.bench;

import java.util.Locale;
import java.util.Map;

/** The two kinds of shapes scene the rendering benchmarks time, as the options of the {@code shapes} dataset. */
public enum ShapesScene {

    /** One shape on white. */
    PLAIN,

    /** A noise background, up to 3 copies of the shape, a word in a quarter of the images. */
    BUSY;

    /**
     * @param imageSize the side of the square images, in pixels
     * @return the options that open the {@code shapes} dataset with this scene
     */
    Map<String, Object> options(int imageSize) {
        return switch (this) {
            case PLAIN -> Map.of("image_size", imageSize);
            case BUSY ->
                Map.of("image_size", imageSize, "background", "noise", "max_count", 3, "text_probability", 0.25);
        };
    }

    /** @return the name as the reports print it, {@code plain} or {@code busy} */
    String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
