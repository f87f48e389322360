package dev.stoa.models.fusion.internal;

import ai.djl.nn.Block;

/**
 * What the fusion encoders (VisualBERT, ViLBERT) have in common for their evaluation and their services: a block
 * that reads {@code [ids (B, T) int64, image (B, 3, S, S) float]} and answers {@code [Z (B, T, V), S (B, 2), ...]},
 * the masked-token logits of every text position and the image-text matching logits (class 1: the text describes
 * the image). {@link FusionEvaluation} and {@link FusionInference} need nothing else of a model.
 */
interface FusionEncoder extends Block {

    /** @return the architecture, {@code visualbert} or {@code vilbert}: the services' {@code fusion.architecture} */
    String architecture();

    /** @return the variant's name */
    String variant();

    /** @return S, the side the image is resized to */
    int imageSize();

    /** @return T, the text's positions, [CLS] and [SEP] included */
    int textLength();

    /** @return the most copies a caption counts (the dataset's {@code max_count}) */
    int maxCount();
}
