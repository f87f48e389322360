package dev.stoa.vectors.cuda.internal;

/** The GPU cannot be used; the message says why (the missing file and where it was looked for, or CUDA's error). */
public final class CudaUnavailable extends Exception {

    private static final long serialVersionUID = 1L;

    /** @param reason why, e.g. {@code libcudart.so.13 not found in /usr/lib64, ...} */
    public CudaUnavailable(String reason) {
        super(reason);
    }

    /**
     * @param reason why
     * @param cause what failed
     */
    public CudaUnavailable(String reason, Throwable cause) {
        super(reason, cause);
    }
}
