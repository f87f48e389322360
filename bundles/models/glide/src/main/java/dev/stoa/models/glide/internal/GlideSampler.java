package dev.stoa.models.glide.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.stoa.api.data.Image;
import dev.stoa.nn.diffusion.ClassifierFreeGuidance;
import dev.stoa.nn.diffusion.Denoiser;
import dev.stoa.nn.diffusion.GaussianDiffusion;
import dev.stoa.nn.diffusion.GaussianNoise;
import dev.stoa.nn.image.ImagePixels;
import dev.stoa.nn.text.TokenBatch;
import dev.stoa.nn.text.WordTokenizer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Draws images with a GLIDE model: x_T from a {@link SplittableRandom} of the call's seed, then DDIM over
 * {@code steps} of the T timesteps with classifier-free guidance at scale s (GLIDE's eq. 4): each step runs the
 * conditional and the null-conditioned halves as one batch of 2B, except at s = 0 (the null half alone, the
 * unconditional model) and s = 1 (the conditional half alone). Each x_0 is clamped to [-1, 1]. Pixels in [-1, 1] become
 * 0-255 as {@code (x + 1) 127.5}.
 */
final class GlideSampler {

    private final Glide model;
    private final WordTokenizer tokenizer;
    private final GaussianDiffusion diffusion;

    GlideSampler(Glide model) {
        this.model = model;
        this.tokenizer = CaptionVocabulary.tokenizer(model.config().captionLength());
        this.diffusion = new GaussianDiffusion(model.config().noiseSchedule());
    }

    int diffusionSteps() {
        return diffusion.schedule().steps();
    }

    /**
     * @param ps where the parameters are read
     * @param manager where the work happens (closed by the caller)
     * @param texts one caption per image
     * @param random x_T's noise, advanced by B 3 S S draws
     * @param guidance s
     * @param steps DDIM steps, 1 to T
     * @param listener told after each step
     * @return one image per caption
     */
    List<Image> draw(
            ParameterStore ps,
            NDManager manager,
            List<String> texts,
            SplittableRandom random,
            float guidance,
            int steps,
            GaussianDiffusion.StepListener listener) {
        int b = texts.size();
        int size = model.config().imageSize();
        Shape shape = new Shape(b, 3, size, size);
        NDArray xT = GaussianNoise.array(manager, random, shape);
        boolean conditional = guidance != 0f;
        boolean unconditional = guidance != 1f;
        List<String> rows = new ArrayList<>();
        List<Float> keep = new ArrayList<>();
        if (conditional) {
            rows.addAll(texts);
            keep.addAll(Collections.nCopies(b, 1f));
        }
        if (unconditional) {
            rows.addAll(texts); // read, then replaced by the null condition (keep = 0)
            keep.addAll(Collections.nCopies(b, 0f));
        }
        TokenBatch tokens = tokenizer.encode(rows);
        NDArray ids = manager.create(tokens.flatIds(), new Shape(rows.size(), tokens.contextLength()));
        NDArray lengths = manager.create(tokens.lengths());
        float[] keeps = new float[keep.size()];
        for (int i = 0; i < keeps.length; i++) {
            keeps[i] = keep.get(i);
        }
        NDArray keepArray = manager.create(keeps);
        Denoiser both = (xt, t) -> {
            NDArray x = conditional && unconditional ? NDArrays.concat(new NDList(xt, xt), 0) : xt;
            NDArray time = xt.getManager().full(new Shape(x.getShape().get(0)), (float) t);
            return model.forward(ps, new NDList(x, time, ids, lengths, keepArray), false)
                    .head();
        };
        // guidance mixes the two halves' outputs linearly, so it may run before they become noise (eps is affine in
        // the output at a given x_t)
        Denoiser output = conditional && unconditional ? ClassifierFreeGuidance.guided(both, guidance) : both;
        Denoiser denoiser = model.config().parameterisation().denoiser(output, diffusion.schedule());
        NDArray x0 = diffusion.sample(xT, steps, denoiser, true, listener);
        return ImagePixels.fromSigned(x0);
    }
}
