package dev.stoa.onnxruntime.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoa.api.data.Text;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Unloading a model gives its memory back: loading, using and closing the fp32 MiniLM (a 90 MB ONNX file) 20 times,
 * as a sentence encoder and as a model-folder service, leaves the process's resident memory within 10% of what it
 * was after the first (warm-up) cycles. A leaked session or tokenizer would add roughly the model's size per cycle
 * (20 x 90 MB, far over 10% of the process). The RSS after every cycle is printed as a {@code [measure]} line.
 *
 * <p>RSS is read after a full collection ({@link #settledResidentKb()}): garbage waiting for the collector is not a
 * leak, and there is a lot of it. DJL's tokenizer loader leaves about 7 MB of Java garbage per load (measured here:
 * 30 loads of MiniLM's tokenizer took the used heap from 13 to 183 MB and RSS from 104 to 265 MB, and one
 * {@code System.gc()} brought RSS back to 87 MB), so without the collection the encoder's RSS grew by 87-127% over
 * 20 cycles while the retained memory stayed flat. G1 gives freed heap back to the system at a full collection.
 */
class ReloadMemoryTest {

    private static final int WARM_UP = 5;
    private static final int CYCLES = 20;
    private static final int WINDOW = 5;

    /** A cycle: load, use, unload. */
    private interface Cycle {
        void run() throws Exception;
    }

    @Test
    void twentySentenceEncoderReloadsLeaveResidentMemoryFlat() throws Exception {
        assertFlat("sentence encoder " + TestModels.MINILM, () -> {
            try (OnnxSentenceEncoder encoder = TestModels.load(TestModels.MINILM, "mean")) {
                assertThat(encoder.encodeBatch(TestModels.SENTENCES.subList(0, 8).stream()
                                .map(Text::new)
                                .toList()))
                        .hasSize(8);
            }
        });
    }

    @Test
    void twentyModelFolderReloadsLeaveResidentMemoryFlat(@TempDir Path dir) throws Exception {
        // the same ONNX file served through a model folder with no descriptor: inputs and outputs from the model
        Files.createSymbolicLink(
                dir.resolve("model.onnx"),
                TestModels.folder(TestModels.MINILM).resolve("model.onnx").toAbsolutePath());
        long[] ids = new long[8 * 16];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = i % 16 == 0 ? 101 : 1000 + i; // [CLS] then ordinary word pieces
        }
        long[] ones = new long[ids.length];
        Arrays.fill(ones, 1);
        Map<String, Object> request = Map.of(
                "inputs",
                Map.of(
                        "input_ids", Map.of("shape", List.of(8, 16), "data", ids),
                        "attention_mask", Map.of("shape", List.of(8, 16), "data", ones),
                        "token_type_ids", Map.of("shape", List.of(8, 16), "data", new long[ids.length])));
        assertFlat("model folder " + TestModels.MINILM, () -> {
            try (OnnxModel model = OnnxModel.load("minilm", ModelDescriptor.read(dir), SessionSettings.defaults())) {
                assertThat(OnnxModelTest.output(model.call(request), "last_hidden_state")
                                .get("shape"))
                        .isEqualTo(List.of(8L, 16L, 384L));
            }
        });
    }

    /**
     * Runs {@link #WARM_UP} cycles, then {@link #CYCLES} more, reading the settled RSS after each, and compares the
     * median of the last {@link #WINDOW} readings with the median of the first {@link #WINDOW}: a leak grows with
     * every cycle, so the end is far above the start; medians keep one reading caught mid-way through the
     * allocator's or the collector's housekeeping (swings of 20-50 MB seen on this shared machine) from deciding.
     */
    private static void assertFlat(String what, Cycle cycle) throws Exception {
        for (int i = 0; i < WARM_UP; i++) {
            cycle.run();
        }
        long warm = settledResidentKb() / 1024;
        List<Long> mb = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < CYCLES; i++) {
            cycle.run();
            mb.add(settledResidentKb() / 1024);
        }
        double first = median(mb.subList(0, WINDOW));
        double last = median(mb.subList(CYCLES - WINDOW, CYCLES));
        double change = (last - first) / first;
        System.out.printf(
                "[measure] %s: RSS after %d warm-up cycles %d MB; after each of %d load/use/unload cycles"
                        + " %s MB; median of the last %d %.0f MB vs the first %d %.0f MB: %+.1f%%; %.0f ms a cycle%n",
                what,
                WARM_UP,
                warm,
                CYCLES,
                mb,
                WINDOW,
                last,
                WINDOW,
                first,
                change * 100,
                (System.nanoTime() - start) / 1e6 / CYCLES);
        assertThat(Math.abs(change))
                .as("relative RSS change over %d reloads of %s", CYCLES, what)
                .isLessThan(0.10);
    }

    private static double median(List<Long> values) {
        List<Long> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2.0;
    }

    /** @return VmRSS after a full collection, in kB: what the process retains, native memory included */
    private static long settledResidentKb() throws IOException, InterruptedException {
        System.gc();
        Thread.sleep(200); // the collector returns freed regions to the system just after the collection
        return residentKb();
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
