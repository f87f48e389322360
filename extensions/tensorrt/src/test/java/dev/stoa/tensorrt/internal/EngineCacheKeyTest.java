package dev.stoa.tensorrt.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoa.api.engine.EngineOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EngineCacheKeyTest {

    @TempDir
    Path dir;

    private static final String ONNX = "a".repeat(64);
    private static final String PROFILE = ProfileShapes.describe(EngineOptions.defaults());

    @Test
    void fileDigestIsSha256() throws Exception {
        Path f = Files.writeString(dir.resolve("abc.onnx"), "abc", StandardCharsets.US_ASCII);
        // FIPS 180-2's test vector for "abc"
        assertThat(EngineCacheKey.sha256(f))
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    @Test
    void keyIsStableForTheSameInputs() {
        String a = EngineCacheKey.of(ONNX, "11.2.1", "9.0", Precision.FP32, PROFILE);
        String b = EngineCacheKey.of(ONNX, "11.2.1", "9.0", Precision.FP32, PROFILE);
        assertThat(a).isEqualTo(b).matches("[0-9a-f]{64}");
    }

    @Test
    void keyChangesWithEachInput() {
        String base = EngineCacheKey.of(ONNX, "11.2.1", "9.0", Precision.FP32, PROFILE);
        List<String> variants = List.of(
                EngineCacheKey.of("b".repeat(64), "11.2.1", "9.0", Precision.FP32, PROFILE),
                EngineCacheKey.of(ONNX, "11.2.2", "9.0", Precision.FP32, PROFILE),
                EngineCacheKey.of(ONNX, "11.2.1", "8.9", Precision.FP32, PROFILE),
                EngineCacheKey.of(ONNX, "11.2.1", "9.0", Precision.FP16, PROFILE),
                EngineCacheKey.of(
                        ONNX,
                        "11.2.1",
                        "9.0",
                        Precision.FP32,
                        ProfileShapes.describe(new EngineOptions("fp32", 16, Map.of()))),
                EngineCacheKey.of(
                        ONNX,
                        "11.2.1",
                        "9.0",
                        Precision.FP32,
                        ProfileShapes.describe(new EngineOptions("fp32", 32, Map.of("x", new long[][] {
                            {1, 3}, {8, 3}, {32, 3}
                        })))));
        Set<String> all = new HashSet<>(variants);
        all.add(base);
        assertThat(all).hasSize(variants.size() + 1);
    }

    @Test
    void aChangedGraphFileChangesTheKey() throws Exception {
        Path f = Files.write(dir.resolve("model.onnx"), new byte[] {1, 2, 3});
        String before = EngineCacheKey.of(EngineCacheKey.sha256(f), "11.2.1", "9.0", Precision.FP32, PROFILE);
        Files.write(f, new byte[] {1, 2, 4});
        String after = EngineCacheKey.of(EngineCacheKey.sha256(f), "11.2.1", "9.0", Precision.FP32, PROFILE);
        assertThat(after).isNotEqualTo(before);
    }
}
