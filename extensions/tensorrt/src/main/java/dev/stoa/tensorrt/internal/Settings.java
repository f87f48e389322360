package dev.stoa.tensorrt.internal;

import java.nio.file.Path;

/**
 * The engine's settings, from {@code etc/dev.stoa.tensorrt.cfg} ({@link TensorRtEngine.Config}) or, for
 * {@link TensorRtCheck}, from its arguments.
 *
 * @param libraryPath folders holding the TensorRT and CUDA libraries, separated by {@code :}; blank for none beyond
 *     {@code LD_LIBRARY_PATH} and the system's
 * @param cacheDir where built engines are kept
 * @param instances execution contexts per opened graph, each with its own CUDA stream and buffers: the runs of one
 *     session that may be in flight at once
 * @param device the CUDA device's index
 * @param workspaceMiB the builder's workspace limit in MiB; 0 for TensorRT's default (the device's memory)
 */
record Settings(String libraryPath, Path cacheDir, int instances, int device, long workspaceMiB) {

    Settings {
        if (instances < 1) {
            throw new IllegalArgumentException("instances is " + instances + "; use 1 or more");
        }
        if (device < 0) {
            throw new IllegalArgumentException("device is " + device + "; use 0 or more (nvidia-smi lists them)");
        }
        if (workspaceMiB < 0) {
            throw new IllegalArgumentException(
                    "workspaceMiB is " + workspaceMiB + "; use 0 (TensorRT's default) or more");
        }
    }
}
