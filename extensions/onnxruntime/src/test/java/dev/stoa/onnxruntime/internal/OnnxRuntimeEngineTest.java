package dev.stoa.onnxruntime.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnxruntime.OnnxTensor;
import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import dev.stoa.api.engine.EngineOptions;
import dev.stoa.api.engine.EngineSession;
import dev.stoa.api.engine.HostTensor;
import dev.stoa.api.engine.InferenceEngine;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code onnxruntime-cpu} engine on small hand-made graphs whose outputs are worked out in plain Java: y = xW + b
 * (FP32, dynamic batch) and an INT64 pass-through; inputs handed over in place, concurrent runs, and bad inputs.
 */
class OnnxRuntimeEngineTest {

    private static final float[] W = {0.5f, -1f, 2f, 0.25f, -0.75f, 1.5f};
    private static final float[] B = {0.1f, -0.2f};

    @TempDir
    Path dir;

    private Path linear() throws Exception {
        return new OnnxFile()
                .initializer("W", new long[] {3, 2}, W)
                .initializer("B", new long[] {2}, B)
                .node("MatMul", new String[] {"x", "W"}, "xW")
                .node("Add", new String[] {"xW", "B"}, "y")
                .node("Identity", new String[] {"ids"}, "ids_out")
                .input("x", OnnxFile.FLOAT, -1, 3)
                .input("ids", OnnxFile.INT64, -1, -1)
                .output("y", OnnxFile.FLOAT, -1, 2)
                .output("ids_out", OnnxFile.INT64, -1, -1)
                .write(dir.resolve("model.onnx"));
    }

    private static float[] expected(float[] x) {
        int n = x.length / 3;
        float[] y = new float[n * 2];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < 2; j++) {
                float s = B[j];
                for (int k = 0; k < 3; k++) {
                    s += x[i * 3 + k] * W[k * 2 + j];
                }
                y[i * 2 + j] = s;
            }
        }
        return y;
    }

    private static InferenceEngine engine() {
        return new OnnxRuntimeEngine(SessionSettings.defaults());
    }

    @Test
    void aGraphRunsWithTheOutputsWorkedOutByHandAndItsSignature() throws Exception {
        InferenceEngine engine = engine();
        assertThat(engine.name()).isEqualTo("onnxruntime-cpu");
        assertThat(engine.unavailableReason()).isEmpty();
        try (EngineSession s = engine.open(linear(), EngineOptions.defaults())) {
            assertThat(s.engine()).isEqualTo("onnxruntime-cpu");
            assertThat(s.inputs().stream().map(t -> t.format()).toList())
                    .containsExactly("x:FP32[-1,3]", "ids:INT64[-1,-1]");
            assertThat(s.outputs().stream().map(t -> t.format()).toList())
                    .containsExactly("y:FP32[-1,2]", "ids_out:INT64[-1,-1]");
            float[] x = {1f, 2f, 3f, -1f, 0.5f, 4f};
            Map<String, HostTensor> out = s.run(Map.of(
                    "x", HostTensor.ofFloats(new long[] {2, 3}, x),
                    "ids", HostTensor.ofLongs(new long[] {1, 3}, new long[] {7, -8, 1L << 40})));
            assertThat(out.get("y").shape()).containsExactly(2, 2);
            assertThat(out.get("y").floats()).containsExactly(expected(x), org.assertj.core.data.Offset.offset(1e-6f));
            assertThat(out.get("ids_out").longs()).containsExactly(7, -8, 1L << 40);
        }
    }

    @Test
    void aDirectInputIsHandedToOnnxRuntimeInPlaceAndAHeapOneIsCopiedOnce() throws Exception {
        try (OrtEngineSession s = (OrtEngineSession) engine().open(linear(), EngineOptions.defaults())) {
            HostTensor direct = HostTensor.ofFloats(new long[] {1, 3}, new float[] {1, 2, 3});
            ByteBuffer heap = ByteBuffer.allocate(3 * 8).order(ByteOrder.nativeOrder());
            heap.asLongBuffer().put(new long[] {1, 2, 3});
            HostTensor onHeap = new HostTensor("INT64", new long[] {1, 3}, heap);
            Map<String, OnnxTensor> wrapped = s.wrap(Map.of("x", direct, "ids", onHeap));
            try {
                assertThat(wrapped.get("x").ownsBuffer())
                        .as("direct input copied by ONNX Runtime")
                        .isFalse();
                // the very memory of the HostTensor
                java.nio.FloatBuffer seen =
                        (java.nio.FloatBuffer) wrapped.get("x").getBufferRef().orElseThrow();
                assertThat(seen.isDirect()).isTrue();
                assertThat(seen.get(2)).isEqualTo(3f);
                // a heap input: copied once into direct memory by the session, then wrapped in place
                assertThat(wrapped.get("ids").ownsBuffer()).isFalse();
                assertThat(wrapped.get("ids").getBufferRef().orElseThrow().isDirect())
                        .isTrue();
            } finally {
                wrapped.values().forEach(OnnxTensor::close);
            }
            HostTensor longs = HostTensor.ofLongs(new long[] {1, 2}, new long[] {5, 6});
            wrapped = s.wrap(Map.of("x", direct, "ids", longs));
            try {
                assertThat(wrapped.get("ids").ownsBuffer())
                        .as("direct INT64 input copied")
                        .isFalse();
            } finally {
                wrapped.values().forEach(OnnxTensor::close);
            }
            // and the heap input still gives the right answer
            assertThat(s.run(Map.of("x", direct, "ids", onHeap)).get("ids_out").longs())
                    .containsExactly(1, 2, 3);
        }
    }

    @Test
    void concurrentRunsOnOneSessionEachGetTheirOwnAnswer() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try (EngineSession s = engine().open(linear(), EngineOptions.defaults())) {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int seed = t;
                results.add(pool.submit(() -> {
                    Random r = new Random(seed);
                    for (int i = 0; i < 50; i++) {
                        int n = 1 + r.nextInt(16);
                        float[] x = new float[n * 3];
                        for (int k = 0; k < x.length; k++) {
                            x[k] = r.nextFloat() * 4 - 2;
                        }
                        float[] y = s.run(Map.of(
                                        "x", HostTensor.ofFloats(new long[] {n, 3}, x),
                                        "ids", HostTensor.ofLongs(new long[] {1, 1}, new long[] {seed})))
                                .get("y")
                                .floats();
                        float[] want = expected(x);
                        for (int k = 0; k < y.length; k++) {
                            if (Math.abs(y[k] - want[k]) > 1e-5f) {
                                return false;
                            }
                        }
                    }
                    return true;
                }));
            }
            for (Future<Boolean> f : results) {
                assertThat(f.get()).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void badInputsAreRefusedNamingTheInput() throws Exception {
        EngineSession s = engine().open(linear(), EngineOptions.defaults());
        HostTensor ids = HostTensor.ofLongs(new long[] {1, 1}, new long[] {1});
        assertThatThrownBy(() -> s.run(Map.of("x", HostTensor.ofFloats(new long[] {1, 4}, new float[4]), "ids", ids)))
                .isInstanceOfSatisfying(
                        StoaException.class, e -> assertThat(e.code()).isEqualTo(FailureCode.BAD_INPUT))
                .hasMessageContaining("x")
                .hasMessageContaining("FP32[1, 4]")
                .hasMessageContaining("x:FP32[-1,3]");
        assertThatThrownBy(() -> s.run(Map.of("ids", ids)))
                .isInstanceOf(StoaException.class)
                .hasMessageContaining("is missing");
        assertThatThrownBy(() -> s.run(
                        Map.of("x", HostTensor.ofFloats(new long[] {1, 3}, new float[3]), "ids", ids, "mask", ids)))
                .isInstanceOf(StoaException.class)
                .hasMessageContaining("mask")
                .hasMessageContaining("is not an input of model.onnx");
        assertThatThrownBy(() -> s.run(Map.of("x", HostTensor.ofLongs(new long[] {1, 3}, new long[3]), "ids", ids)))
                .hasMessageContaining("is INT64[1, 3]");
        s.close();
        assertThatThrownBy(() -> s.run(Map.of()))
                .isInstanceOfSatisfying(
                        StoaException.class, e -> assertThat(e.code()).isEqualTo(FailureCode.UNAVAILABLE))
                .hasMessageContaining("closed");
    }

    @Test
    void aMissingOrBrokenGraphFailsNamingTheFile() throws Exception {
        assertThatThrownBy(() -> engine().open(dir.resolve("model.text.onnx"), EngineOptions.defaults()))
                .hasMessageContaining("model.text.onnx does not exist")
                .hasMessageContaining("bin/stoa export");
        Path broken = java.nio.file.Files.writeString(dir.resolve("model.image.onnx"), "not a graph");
        assertThatThrownBy(() -> engine().open(broken, EngineOptions.defaults()))
                .isInstanceOfSatisfying(
                        StoaException.class, e -> assertThat(e.code()).isEqualTo(FailureCode.BAD_CONFIG))
                .hasMessageContaining("ONNX Runtime cannot open")
                .hasMessageContaining("model.image.onnx");
    }
}
