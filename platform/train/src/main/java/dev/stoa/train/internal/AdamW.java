package dev.stoa.train.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Parameter;
import java.util.ArrayList;
import java.util.List;

/**
 * AdamW (Loshchilov and Hutter 2019) with global-norm gradient clipping and a guard against non-finite gradients,
 * written out rather than DJL's {@code AdamW} so that its state (moments and step count) can be checkpointed and a
 * resumed run continues exactly, and so that clipping uses the global L2 norm (DJL's {@code clipGrad} clamps each
 * value) and weight decay skips biases, norms and scalars (as open_clip does). Per parameter w with gradient g:
 *
 * <pre>
 * c = min(1, maxNorm / ‖g_all‖₂)                     one factor for all parameters; ‖g_all‖ over every gradient
 * m = β₁ m + (1 - β₁) c g
 * v = β₂ v + (1 - β₂) (c g)²
 * w = w - lr · λ · w                                  only for weights of rank ≥ 2 (decoupled weight decay)
 * w = w - lr · (m / (1 - β₁ᵗ)) / (sqrt(v / (1 - β₂ᵗ)) + ε)
 * </pre>
 *
 * If ‖g_all‖ is NaN or infinite the step is skipped (no parameter or moment changes) and counted. The trainer first
 * recomputes such a step's gradients once ({@link #step(double, boolean)}), since a kernel may return NaN at random
 * (oneDNN's convolution backward does, for outputs that do not fill its vector blocks); only a step whose gradients are non-finite twice is skipped.
 */
final class AdamW {

    private final List<Entry> entries = new ArrayList<>();
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double weightDecay;
    private final double maxNorm;
    private long t;
    private long skipped;
    private long retried;
    private String lastNonFinite = "";

    private record Entry(String name, Parameter parameter, boolean decay, NDArray m, NDArray v) {}

    /**
     * @param parameters the trainable parameters by unique name, their arrays initialised
     * @param manager where the moments live (the run's manager)
     * @param settings beta1, beta2, eps, weight decay and clipping
     */
    AdamW(List<Named> parameters, NDManager manager, TrainingFile.Settings settings) {
        this.beta1 = settings.beta1();
        this.beta2 = settings.beta2();
        this.eps = settings.eps();
        this.weightDecay = settings.weightDecay();
        this.maxNorm = settings.gradClipNorm();
        for (Named p : parameters) {
            NDArray w = p.parameter().getArray();
            boolean decay = w.getShape().dimension() >= 2;
            entries.add(new Entry(
                    p.name(),
                    p.parameter(),
                    decay,
                    manager.zeros(w.getShape(), w.getDataType()),
                    manager.zeros(w.getShape(), w.getDataType())));
        }
    }

    /**
     * A parameter and the unique name it is checkpointed under.
     *
     * @param name e.g. {@code model.visual.patch.weight}
     * @param parameter the parameter
     */
    record Named(String name, Parameter parameter) {}

    /**
     * Applies one update from the gradients the last backward pass left, then zeroes them.
     *
     * @param lr this step's learning rate
     * @param mayRetry whether the caller recomputes the gradients when they are not finite: such a step is then
     *     counted as {@link #retried()}, not as {@link #skipped()}
     * @return the global gradient norm before clipping; NaN or infinite when no update was made
     */
    double step(double lr, boolean mayRetry) {
        try (NDManager scope = entries.get(0).m().getManager().newSubManager()) {
            List<NDArray> grads = new ArrayList<>(entries.size());
            NDList norms = new NDList(entries.size());
            for (Entry e : entries) {
                NDArray g = e.parameter().getArray().getGradient();
                g.attach(scope);
                grads.add(g);
                norms.add(g.norm());
            }
            // one read back to Java per step: the global norm over every gradient
            double norm = NDArrays.stack(norms).norm().getFloat();
            if (!Double.isFinite(norm)) {
                lastNonFinite = nonFinite(norms);
                if (mayRetry) {
                    retried++;
                } else {
                    skipped++;
                }
                zero(grads);
                return norm;
            }
            t++;
            double clip = maxNorm > 0 && norm > maxNorm ? maxNorm / (norm + 1e-6) : 1.0;
            double correction1 = 1 - Math.pow(beta1, t);
            double correction2 = 1 - Math.pow(beta2, t);
            // the engine's fused update (one native call per parameter instead of about fifteen): it scales the
            // gradient by the clip factor, decays w by lr * wd, updates m and v, and steps by
            // lrbc * m / (sqrt(v) + eps'); with lrbc = lr sqrt(c2) / c1 and eps' = eps sqrt(c2) that is exactly
            // lr * (m / c1) / (sqrt(v / c2) + eps), the formula above
            float lrbc = (float) (lr * Math.sqrt(correction2) / correction1);
            float scaledEps = (float) (eps * Math.sqrt(correction2));
            for (int i = 0; i < entries.size(); i++) {
                Entry e = entries.get(i);
                NDArray w = e.parameter().getArray();
                w.getNDArrayInternal()
                        .adamUpdate(
                                new NDList(w, grads.get(i), e.m(), e.v()),
                                new NDList(w),
                                (float) lr,
                                lrbc,
                                e.decay() ? (float) weightDecay : 0f,
                                (float) clip,
                                -1f,
                                (float) beta1,
                                (float) beta2,
                                scaledEps,
                                false,
                                true);
            }
            zero(grads);
            return norm;
        }
    }

    /** Which gradients were not finite: read back one norm per parameter, only on such a step. */
    private String nonFinite(NDList norms) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            if (!Float.isFinite(norms.get(i).getFloat())) {
                names.add(entries.get(i).name());
            }
        }
        if (names.isEmpty()) {
            return "the global norm overflowed; every gradient is finite";
        }
        return names.size() + " of " + entries.size() + " parameters, from " + names.get(0) + " to "
                + names.get(names.size() - 1);
    }

    private static void zero(List<NDArray> grads) {
        for (NDArray g : grads) {
            // a fill, not g - g or g * 0, which keep NaN
            g.set(new NDIndex("..."), 0f);
        }
    }

    /** @return optimizer steps taken (skipped ones excluded) */
    long steps() {
        return t;
    }

    /** @return steps skipped for a non-finite gradient */
    long skipped() {
        return skipped;
    }

    /** @return steps whose gradients were not finite and were recomputed, since this optimizer was made */
    long retried() {
        return retried;
    }

    /**
     * @return the parameters whose gradients were not finite at the last step that had any (a count and the first and
     *     last in parameter order: a NaN from one layer's backward pass reaches every parameter it flows to, so the
     *     last names the layer nearest the output that it reached); empty before such a step
     */
    String lastNonFinite() {
        return lastNonFinite;
    }

    /** @return the moments, in parameter order: m₀, v₀, m₁, v₁, ... */
    NDList state() {
        NDList out = new NDList();
        for (Entry e : entries) {
            out.add(e.m());
            out.add(e.v());
        }
        return out;
    }

    /** @return the parameter names, in the order of {@link #state()} */
    List<String> names() {
        return entries.stream().map(Entry::name).toList();
    }

    /**
     * Restores the state a checkpoint holds.
     *
     * @param moments as {@link #state()} returned them
     * @param steps as {@link #steps()}
     * @param skippedSteps as {@link #skipped()}
     */
    void restore(NDList moments, long steps, long skippedSteps) {
        if (moments.size() != 2 * entries.size()) {
            throw new IllegalStateException("checkpoint has moments for " + moments.size() / 2 + " parameters, the"
                    + " model has " + entries.size() + "; it was written for another model: delete it to start over");
        }
        for (int i = 0; i < entries.size(); i++) {
            entries.get(i).m().set(moments.get(2 * i).toFloatArray());
            entries.get(i).v().set(moments.get(2 * i + 1).toFloatArray());
        }
        this.t = steps;
        this.skipped = skippedSteps;
    }
}
