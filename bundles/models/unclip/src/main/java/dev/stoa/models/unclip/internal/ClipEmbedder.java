package dev.stoa.models.unclip.internal;

import dev.stoa.api.data.Image;
import java.util.List;

/** The frozen CLIP unCLIP reads: L2-normalised text and image embeddings of one space, E wide. */
interface ClipEmbedder {

    /** @return E */
    int dimension();

    /**
     * @param texts captions
     * @return one embedding of E per text
     */
    float[][] texts(List<String> texts);

    /**
     * @param images pictures
     * @return one embedding of E per image
     */
    float[][] images(List<Image> images);
}
