package dev.stoa.train.internal;

/**
 * The learning rate per step: linear warm-up from 0 to the peak over {@code warmup} steps, then a half cosine from
 * the peak down to {@code min} at the last step (open_clip's {@code cosine_lr}):
 *
 * <pre>
 * lr(s) = peak · (s + 1) / warmup                                          s &lt; warmup
 * lr(s) = min + ½ (peak - min) (1 + cos(π (s - warmup) / (steps - warmup)))  otherwise
 * </pre>
 *
 * @param peak the learning rate after warm-up
 * @param warmup warm-up steps
 * @param steps all steps
 * @param min the final learning rate
 */
record Schedule(double peak, int warmup, int steps, double min) {

    /**
     * @param step 0-based optimizer step
     * @return its learning rate
     */
    double lr(long step) {
        if (step < warmup) {
            return peak * (step + 1) / warmup;
        }
        double progress = Math.min(1.0, (double) (step - warmup) / Math.max(1, steps - warmup));
        return min + 0.5 * (peak - min) * (1 + Math.cos(Math.PI * progress));
    }
}
