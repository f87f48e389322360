package dev.stoa.models.clipcap.internal;

import dev.stoa.api.data.Image;
import java.util.List;

/** The frozen image encoder of ClipCap: images to their CLIP embeddings. Thread-safe. */
interface ImageEmbedder {

    /** @return E, the embedding width */
    int dimension();

    /**
     * @param images the images
     * @return one embedding of {@link #dimension()} per image, in order
     */
    float[][] embed(List<Image> images);
}
