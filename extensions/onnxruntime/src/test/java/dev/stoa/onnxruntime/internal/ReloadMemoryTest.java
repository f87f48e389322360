package dev.stoa.onnxruntime.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoa.api.data.Text;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Unloading a model gives its memory back: loading, using and closing the fp32 MiniLM (a 90 MB ONNX file) 20 times
 * leaves the process's resident memory within 10% of what it was after the first cycles. A leaked session or
 * tokenizer would add roughly the model's size per cycle.
 */
class ReloadMemoryTest {

    private static final int WARM_UP = 3;
    private static final int CYCLES = 20;

    @Test
    void twentyReloadsLeaveResidentMemoryFlat() throws Exception {
        for (int i = 0; i < WARM_UP; i++) {
            cycle();
        }
        long before = residentKb();
        long start = System.nanoTime();
        for (int i = 0; i < CYCLES; i++) {
            cycle();
        }
        long after = residentKb();
        double change = (after - before) / (double) before;
        System.out.printf("[measure] RSS after %d warm-up cycles %d MB, after %d more load/encode/close cycles of %s"
                + " %d MB (%+.1f%%), %.0f ms a cycle%n", WARM_UP, before / 1024, CYCLES, TestModels.MINILM,
                after / 1024, change * 100, (System.nanoTime() - start) / 1e6 / CYCLES);
        assertThat(Math.abs(change)).as("relative RSS change").isLessThan(0.10);
    }

    private static void cycle() throws Exception {
        try (OnnxSentenceEncoder encoder = TestModels.load(TestModels.MINILM, "mean")) {
            assertThat(encoder.encodeBatch(TestModels.SENTENCES.subList(0, 8).stream().map(Text::new).toList()))
                    .hasSize(8);
        }
    }

    /** @return VmRSS of this process, in kB */
    private static long residentKb() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }
}
