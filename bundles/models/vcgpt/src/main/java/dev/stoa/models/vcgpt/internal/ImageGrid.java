package dev.stoa.models.vcgpt.internal;

import dev.stoa.api.data.Image;
import java.util.List;

/** The frozen image side of VC-GPT: images to their CLIP grid features. Thread-safe. */
interface ImageGrid {

    /** @return N, the grid features per image */
    int tokens();

    /** @return C, the width of each */
    int width();

    /**
     * @param images the images
     * @return per image {@code [N][C]}, in order
     */
    float[][][] features(List<Image> images);
}
