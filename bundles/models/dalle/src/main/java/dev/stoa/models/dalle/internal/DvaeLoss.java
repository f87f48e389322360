package dev.stoa.models.dalle.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.stoa.nn.loss.TrainingLoss;
import java.util.List;

/**
 * The discrete VAE's objective (the negative evidence lower bound of Ramesh et al. 2021, eq. 1, with a Gaussian
 * likelihood and the prior uniform over the K codes, as in the paper's first stage):
 *
 * <pre>
 * reconstruction = mean over pixels and channels of (x' - x)^2
 * kl             = mean over grid cells of KL(q || U) = Σ_k q_k log q_k + log K,   q = softmax(logits)
 * total          = reconstruction + kl_weight · kl
 * </pre>
 *
 * Inputs {@code [x' (B, 3, S, S), x (B, 3, S, S), logits (B, K, G, G)]}, the {@link Dvae}'s training outputs; output
 * {@code [total, reconstruction, kl]}.
 */
final class DvaeLoss extends AbstractBlock implements TrainingLoss {

    private static final byte VERSION = 1;

    private final float klWeight;

    DvaeLoss(float klWeight) {
        super(VERSION);
        this.klWeight = klWeight;
    }

    @Override
    public List<String> partNames() {
        return List.of("reconstruction", "kl");
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray recon = inputs.get(0);
        NDArray x = inputs.get(1);
        NDArray logits = inputs.get(2);
        NDArray reconstruction = recon.sub(x).square().mean();
        long k = logits.getShape().get(1);
        NDArray logQ = logits.logSoftmax(1);
        NDArray kl = logQ.exp().mul(logQ).sum(new int[] {1}).mean().add((float) Math.log(k));
        NDArray total = reconstruction.add(kl.mul(klWeight));
        return new NDList(total, reconstruction, kl.mul(klWeight));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(), new Shape(), new Shape()};
    }
}
