package dev.stoa.models.glide.internal;

import dev.stoa.api.data.Image;

/**
 * The judge that does not learn: until {@code dev.stoa.nn.eval.ShapeJudge} lands, none (null), so evaluation reports
 * the held-out denoising loss only.
 */
final class PixelJudge {

    static final DrawnJudge INSTANCE = null;

    private PixelJudge() {}

    static String[] judge(Image image) {
        throw new UnsupportedOperationException();
    }
}
