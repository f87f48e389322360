package dev.stoa.train.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Records one step's gradients on the calling thread. DJL's {@code PtGradientCollector} allows one collector in the
 * whole process (a static flag, not a PyTorch limit), which would keep runs trained side by side from stepping at
 * the same time; PyTorch's grad mode is per thread and each run's graph is its own, so each run thread records its
 * own. Grad mode is on from construction to {@link #close}, as with DJL's collector; the parameters' gradients
 * accumulate until the optimizer zeroes them ({@link AdamW#step}).
 */
final class StepGradients implements AutoCloseable {

    StepGradients() {
        JniUtils.setGradMode(true);
    }

    /**
     * Back-propagates a scalar loss into the gradients of the parameters it depends on.
     *
     * @param loss the step's loss, a PyTorch array
     */
    void backward(NDArray loss) {
        try (NDArray ones = loss.onesLike()) {
            JniUtils.backward((PtNDArray) loss, (PtNDArray) ones, false, false);
        }
    }

    /** Turns grad mode off again on this thread. */
    @Override
    public void close() {
        JniUtils.setGradMode(false);
    }
}
