package dev.stoa.models.magic.internal;

import dev.stoa.nn.decode.CandidateScorer;
import dev.stoa.nn.decode.MagicSearch;
import java.util.List;

/**
 * MAGiC's {@code CLIP(I, text)} for one image: {@code scale · cos(v_I, t(text))}, with the image's embedding computed
 * once per caption and each step's candidate texts embedded in one batch by the CLIP's text tower.
 */
final class ClipScorer implements CandidateScorer {

    private final float[] image;
    private final ClipOnBus clip;
    private final double scale;

    /**
     * @param image the image's CLIP embedding
     * @param clip the CLIP, for the texts
     * @param scale the logit scale
     */
    ClipScorer(float[] image, ClipOnBus clip, double scale) {
        this.image = image;
        this.clip = clip;
        this.scale = scale;
    }

    @Override
    public double[] scores(List<String> texts) {
        float[][] t = clip.texts(texts);
        double[] out = new double[t.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = scale * MagicSearch.cosine(image, t[i]);
        }
        return out;
    }
}
