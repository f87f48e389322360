package dev.stoa.models.unclip.internal;

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
import dev.stoa.nn.diffusion.Prediction;
import dev.stoa.nn.image.ImagePixels;
import java.util.List;
import java.util.SplittableRandom;

/**
 * unCLIP's two-stage sampling (Ramesh et al. 2022, section 2): the prior turns CLIP text embeddings into CLIP image
 * embeddings, the decoder turns image embeddings into images. Each stage is DDIM (eta = 0) from noise drawn from the
 * caller's {@link SplittableRandom}, with classifier-free guidance at its own scale (both conditional and
 * null-conditioned halves as one batch of 2B, except at s = 0 and s = 1). The prior predicts x_0, which
 * {@link Prediction#X0} turns into the noise DDIM steps with; its output is L2-normalised as CLIP's embeddings
 * are. The decoder's x_0 is clamped to [-1, 1]; pixels become 0-255 as {@code (x + 1) 127.5}.
 */
final class UnclipSampler {

    private final Unclip model;
    private final GaussianDiffusion priorDiffusion;
    private final GaussianDiffusion decoderDiffusion;

    UnclipSampler(Unclip model) {
        this.model = model;
        this.priorDiffusion = new GaussianDiffusion(model.config().priorSchedule());
        this.decoderDiffusion = new GaussianDiffusion(model.config().decoderSchedule());
    }

    int priorSteps() {
        return priorDiffusion.schedule().steps();
    }

    int decoderSteps() {
        return decoderDiffusion.schedule().steps();
    }

    /**
     * @param embeddings L2-normalised CLIP embeddings (B, E)
     * @return the same scaled by sqrt(E): about unit variance per component, as the prior and decoder read them
     */
    static float[][] scaled(float[][] embeddings) {
        float[][] out = new float[embeddings.length][];
        for (int i = 0; i < out.length; i++) {
            out[i] = normalised(embeddings[i], (float) Math.sqrt(embeddings[i].length));
        }
        return out;
    }

    /** @return {@code v / |v| * length} (v itself when it is zero) */
    static float[] normalised(float[] v, float length) {
        double sum = 0;
        for (float x : v) {
            sum += x * x;
        }
        double norm = Math.sqrt(sum);
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = norm == 0 ? v[i] : (float) (v[i] / norm * length);
        }
        return out;
    }

    /**
     * The prior: text embeddings to image embeddings.
     *
     * @param ps where the parameters are read
     * @param manager where the work happens (closed by the caller)
     * @param texts L2-normalised CLIP text embeddings (B, E)
     * @param random z_T's noise, advanced by B E draws
     * @param guidance the prior's guidance scale
     * @param steps DDIM steps, 1 to the prior's T
     * @param listener told after each step
     * @return L2-normalised CLIP image embeddings (B, E)
     */
    float[][] prior(
            ParameterStore ps,
            NDManager manager,
            float[][] texts,
            SplittableRandom random,
            float guidance,
            int steps,
            GaussianDiffusion.StepListener listener) {
        int b = texts.length;
        int e = model.dimension();
        NDArray zT = GaussianNoise.array(manager, random, new Shape(b, e));
        NDArray y = manager.create(scaled(texts));
        Halves halves = new Halves(guidance, b, manager);
        NDArray ys = halves.both() ? NDArrays.concat(new NDList(y, y), 0) : y;
        // each half's x_0 becomes the noise it implies at its own rows, so guidance combines them as GLIDE's eps
        Denoiser eps = (zt, t) -> {
            NDArray z = halves.rows(zt);
            NDArray time = zt.getManager().full(new Shape(z.getShape().get(0)), (float) t);
            NDArray x0 = model.prior()
                    .forward(ps, new NDList(z, time, ys, halves.keep), false)
                    .head();
            return Prediction.X0.epsilon(priorDiffusion.schedule(), z, x0, t);
        };
        NDArray z0 = priorDiffusion.sample(zT, steps, halves.guided(eps, guidance), false, listener);
        float[] flat = z0.toFloatArray();
        float[][] out = new float[b][];
        for (int i = 0; i < b; i++) {
            float[] row = new float[e];
            System.arraycopy(flat, i * e, row, 0, e);
            out[i] = normalised(row, 1f);
        }
        return out;
    }

    /**
     * The decoder: image embeddings to images.
     *
     * @param ps where the parameters are read
     * @param manager where the work happens (closed by the caller)
     * @param embeddings CLIP image embeddings (B, E), normalised here
     * @param random x_T's noise, advanced by B 3 S S draws
     * @param guidance the decoder's guidance scale
     * @param steps DDIM steps, 1 to the decoder's T
     * @param listener told after each step
     * @return one image per embedding
     */
    List<Image> decode(
            ParameterStore ps,
            NDManager manager,
            float[][] embeddings,
            SplittableRandom random,
            float guidance,
            int steps,
            GaussianDiffusion.StepListener listener) {
        int b = embeddings.length;
        int size = model.config().imageSize();
        NDArray xT = GaussianNoise.array(manager, random, new Shape(b, 3, size, size));
        NDArray z = manager.create(scaled(embeddings));
        Halves halves = new Halves(guidance, b, manager);
        NDArray zs = halves.both() ? NDArrays.concat(new NDList(z, z), 0) : z;
        Denoiser output = (xt, t) -> {
            NDArray x = halves.rows(xt);
            NDArray time = xt.getManager().full(new Shape(x.getShape().get(0)), (float) t);
            return model.decoder()
                    .forward(ps, new NDList(x, time, zs, halves.keep), false)
                    .head();
        };
        // guidance mixes the halves' outputs linearly, so it may run before they become noise (eps is affine in the
        // output at a given x_t)
        Denoiser eps = model.config()
                .parameterisation()
                .denoiser(halves.guided(output, guidance), decoderDiffusion.schedule());
        NDArray x0 = decoderDiffusion.sample(xT, steps, eps, true, listener);
        return ImagePixels.fromSigned(x0);
    }

    /** Which halves a guidance scale needs: s = 0 the null-conditioned alone, s = 1 the conditional alone, else both. */
    private static final class Halves {
        final boolean conditional;
        final boolean unconditional;
        final NDArray keep;

        Halves(float guidance, int b, NDManager manager) {
            conditional = guidance != 0f;
            unconditional = guidance != 1f;
            float[] k = new float[(conditional ? b : 0) + (unconditional ? b : 0)];
            for (int i = 0; i < (conditional ? b : 0); i++) {
                k[i] = 1f;
            }
            keep = manager.create(k);
        }

        boolean both() {
            return conditional && unconditional;
        }

        NDArray rows(NDArray x) {
            return both() ? NDArrays.concat(new NDList(x, x), 0) : x;
        }

        Denoiser guided(Denoiser eps, float guidance) {
            return both() ? ClassifierFreeGuidance.guided(eps, guidance) : eps;
        }
    }
}
