package dev.stoa.bench;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The machine a report was measured on: cores, CPU model, clock and vector flags from {@code /proc/cpuinfo}, Java,
 * and the theoretical fp32 peak.
 *
 * <p>Peak = cores x clock x fp32 FLOPs per cycle per core, with FLOPs per cycle from the widest vector flag:
 * AVX-512F 64 (two 16-lane FMA units x 2 FLOPs), AVX2 + FMA 32 (two 8-lane FMA units x 2), AVX 16 (8-lane add +
 * multiply), else 8. Two FMA units is an assumption (server Xeons and recent desktop cores have two; some have one,
 * which halves the peak); a virtual machine's cores may be hyper-threads sharing units, which lowers the real peak.
 * AMD Zen 4 (family 25 with AVX-512) executes 512-bit instructions on its two 256-bit FMA units in two halves, so it
 * gets 32, as with AVX2.
 */
record Machine(
        int cores, String cpuModel, double clockGhz, String vectorIsa, int flopsPerCycle, String java, String os) {

    static Machine describe() {
        List<String> lines;
        try {
            lines = Files.readAllLines(Path.of("/proc/cpuinfo"));
        } catch (IOException e) {
            lines = List.of();
        }
        String model = field(lines, "model name", System.getProperty("os.arch"));
        double mhz = 0;
        try {
            mhz = Double.parseDouble(field(lines, "cpu MHz", "0"));
        } catch (NumberFormatException e) {
            // stays 0: the peak is then unknown
        }
        Set<String> flags = new TreeSet<>(List.of(field(lines, "flags", "").split("\\s+")));
        String isa;
        int perCycle;
        boolean zen4 = field(lines, "vendor_id", "").equals("AuthenticAMD")
                && field(lines, "cpu family", "").equals("25");
        if (flags.contains("avx512f")) {
            isa = zen4 ? "AVX-512F on Zen 4's 256-bit units" : "AVX-512F";
            perCycle = zen4 ? 32 : 64;
        } else if (flags.contains("avx2") && flags.contains("fma")) {
            isa = "AVX2+FMA";
            perCycle = 32;
        } else if (flags.contains("avx")) {
            isa = "AVX";
            perCycle = 16;
        } else {
            isa = "SSE";
            perCycle = 8;
        }
        return new Machine(
                Runtime.getRuntime().availableProcessors(),
                model,
                mhz / 1000,
                isa,
                perCycle,
                System.getProperty("java.vm.name") + " " + System.getProperty("java.version"),
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                        + System.getProperty("os.arch"));
    }

    /** @return the fp32 peak in FLOP/s, or 0 when the clock is unknown */
    double peakFlops() {
        return cores * clockGhz * 1e9 * flopsPerCycle;
    }

    String oneLine() {
        return cores + " cores, " + cpuModel + " @ " + String.format("%.2f", clockGhz) + " GHz (" + vectorIsa + "), "
                + java + ", " + os;
    }

    JsonObject toJson() {
        return new JsonObject()
                .put("cores", cores)
                .put("cpu_model", cpuModel)
                .put("clock_ghz", Report.round(clockGhz))
                .put("vector_isa", vectorIsa)
                .put("fp32_flops_per_cycle_per_core", flopsPerCycle)
                .put("peak_gflops", Report.round(peakFlops() / 1e9))
                .put("java", java)
                .put("os", os)
                .put(
                        "peak_formula",
                        "cores x clock x FLOPs/cycle/core (" + vectorIsa + ": " + flopsPerCycle
                                + ", assuming two FMA units)");
    }

    private static String field(List<String> lines, String name, String fallback) {
        for (String line : lines) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equals(name)) {
                return line.substring(colon + 1).trim();
            }
        }
        return fallback;
    }
}
