package dev.stoa.nn.image;

import ai.djl.ndarray.NDArray;

/**
 * How many filters a convolution with few output channels computes, so that its backward pass stays finite on
 * PyTorch's CPU kernels.
 *
 * <p>PyTorch's oneDNN kernels lay channels out in blocks of the vector width: 8 floats under AVX2, 16 under AVX-512.
 * The backward pass of a convolution whose output channels do not fill whole blocks can give NaN input gradients.
 * Measured on this project's AVX-512 machines (a 3x3 convolution from 8 channels at 16x16, batch 8, 200 passes each,
 * 2026-12-08), passes with a NaN input gradient by output channels:
 *
 * <pre>
 * outputs             3     4     8    12    16    24    32
 * ONEDNN_MAX_CPU_ISA=AVX2 (the build's and the server's cap)
 *                    10     7     0     1     0     0     0
 * uncapped (AVX-512) 10    94    15     0     0     0     0
 * </pre>
 *
 * The test U-Net (an image's 3 channels out) gave NaN gradients in 300 of 300 passes uncapped and failed a CI run
 * capped; with its output convolution at 16 filters, 0 of 300 capped (and a U-Net of 16 channels a level, 0 of 300
 * under either; uncapped the test U-Net's own 8-filter convolutions still fail). A layer that needs few outputs computes
 * {@link #filters(int)} of them and keeps the first with {@link #kept(NDArray, int)}; the extra filters cost little and
 * are never read.
 */
public final class NarrowOutputs {

    /** One AVX-512 block of floats: the output channels come in multiples of it. */
    public static final int MIN_FILTERS = 16;

    private NarrowOutputs() {}

    /**
     * @param wanted the output channels the layer needs, at least 1
     * @return {@code wanted} rounded up to a multiple of 16
     */
    public static int filters(int wanted) {
        if (wanted < 1) {
            throw new IllegalArgumentException("a convolution needs at least one output channel, got " + wanted);
        }
        return (wanted + MIN_FILTERS - 1) / MIN_FILTERS * MIN_FILTERS;
    }

    /**
     * @param y {@code (B, filters(wanted), H, W)}, a convolution's output
     * @param wanted the channels to keep
     * @return {@code (B, wanted, H, W)}: the first {@code wanted} channels ({@code y} itself when it has no others)
     */
    public static NDArray kept(NDArray y, int wanted) {
        long channels = y.getShape().get(1);
        if (channels < wanted) {
            throw new IllegalArgumentException("want " + wanted + " channels of an output with " + channels);
        }
        return channels == wanted ? y : y.get(":, 0:" + wanted);
    }
}
