package dev.stoa.djl.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Warns when PyTorch's CPU kernels may hand back NaN gradients: on CPUs with AVX-512, oneDNN's AVX-512 convolution
 * backward (PyTorch 2.7.1 as DJL ships it) returned non-finite input gradients in about one pass in three, for a
 * 3x3 convolution whose weights and input both need gradients, at random and not from the numbers (the same pass
 * repeated came out finite). Training then loses those steps: the trainer skips a step whose gradients are not
 * finite. Capping oneDNN at AVX2 ({@code ONEDNN_MAX_CPU_ISA=AVX2}) removed every such pass, at the same speed for
 * Stoa's models. oneDNN reads the variable when the process starts, so {@code bin/stoa} and the build set it; a JVM
 * started another way gets this warning.
 */
final class CpuKernelCheck {

    static final String VARIABLE = "ONEDNN_MAX_CPU_ISA";

    private static final Pattern AVX512 = Pattern.compile("\\bavx512f\\b");

    private CpuKernelCheck() {}

    /**
     * @param environment the process's environment
     * @param cpuFlags the CPU's feature flags (as in {@code /proc/cpuinfo}), or empty when unknown
     * @return the warning to log, or empty when the variable is set or the CPU has no AVX-512
     */
    static Optional<String> warning(Map<String, String> environment, String cpuFlags) {
        String cap = environment.get(VARIABLE);
        if (cap != null && !cap.isBlank()) {
            return Optional.empty();
        }
        if (!AVX512.matcher(cpuFlags).find()) {
            return Optional.empty();
        }
        return Optional.of("This CPU has AVX-512 and " + VARIABLE + " is not set: oneDNN's AVX-512 convolution backward"
                + " returns NaN gradients now and then, and training skips those steps. Start the JVM with "
                + VARIABLE + "=AVX2 in its environment (bin/stoa does this)");
    }

    /** @return the flags lines of {@code /proc/cpuinfo}, or empty where there is none (not Linux) */
    static String cpuFlags() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                    .filter(line -> line.startsWith("flags"))
                    .findFirst()
                    .orElse("");
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }
}
