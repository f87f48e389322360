package dev.stoa.tensorrt.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.stoa.api.engine.HostTensor;
import dev.stoa.api.tensor.TensorSignature.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TensorRtCheckTest {

    @TempDir
    Path dir;

    @Test
    void withoutTensorRtTheReportSaysWhyAndTheCheckSucceeds() throws Exception {
        Path lib = Files.createDirectories(dir.resolve("lib"));
        Map<String, Object> report = new LinkedHashMap<>();
        int status = TensorRtCheck.run(
                TensorRtCheck.parse(new String[] {
                    "--library-path",
                    lib.toString(),
                    "--cache",
                    dir.resolve("cache").toString(),
                    "--onnx",
                    "x.onnx"
                }),
                report);
        assertThat(status).isZero();
        assertThat(report.get("available")).isEqualTo(false);
        assertThat((String) report.get("reason")).startsWith("libnvinfer.so.11 not found in " + lib);
        assertThat((List<?>) report.get("searched")).first().isEqualTo(lib.toString());
        String json = Json.write(report);
        assertThat(json).contains("\"check\": \"tensorrt\"").contains("\"available\": false");
    }

    @Test
    void readsACaseAndRepeatsItsRowsToABatch() throws Exception {
        ByteBuffer pixels = ByteBuffer.allocate(2 * 3 * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 6; i++) {
            pixels.putFloat(i);
        }
        Files.write(dir.resolve("pixels.bin"), pixels.array());
        ByteBuffer embeds = ByteBuffer.allocate(2 * 4)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putFloat(0.5f)
                .putFloat(-1f);
        Files.write(dir.resolve("embeds.bin"), embeds.array());
        Path caseFile = Files.writeString(
                dir.resolve("case.properties"),
                "input.pixel_values = FP32 2,3 pixels.bin\noutput.image_embeds = FP32 2,1 embeds.bin\n");
        TensorRtCheck.Case c = TensorRtCheck.Case.read(caseFile);
        assertThat(c.rows()).isEqualTo(2);
        assertThat(c.outputs().get("image_embeds").floats()).containsExactly(0.5f, -1f);
        HostTensor five = c.atBatch(5).get("pixel_values");
        assertThat(five.shape()).containsExactly(5, 3);
        assertThat(five.floats()).containsExactly(0, 1, 2, 3, 4, 5, 0, 1, 2, 3, 4, 5, 0, 1, 2);
        assertThat(c.atBatch(1).get("pixel_values").floats()).containsExactly(0, 1, 2);
    }

    @Test
    void comparesAndTimes() {
        assertThat(TensorRtCheck.maxAbsDiff(new float[] {1, 2, 3}, new float[] {1, 2.5f, 2.9f}))
                .isEqualTo(0.5, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(TensorRtCheck.maxAbsDiff(new float[] {1}, new float[] {1, 2}))
                .isNaN();
        assertThat(TensorRtCheck.maxAbsDiff(new float[] {Float.NaN}, new float[] {1}))
                .isNaN();
        Map<String, Object> s = TensorRtCheck.stats(new double[] {5, 1, 4, 2, 3, 10, 6, 7, 8, 9});
        assertThat(s.get("p50Ms")).isEqualTo(5.0);
        assertThat(s.get("p90Ms")).isEqualTo(9.0);
        assertThat(s.get("meanMs")).isEqualTo(5.5);
    }

    @Test
    void syntheticInputsFollowTheGraphAtTheBatchAsked() {
        Map<String, HostTensor> in = TensorRtCheck.synthetic(
                List.of(
                        new Tensor("pixel_values", "FP32", new long[] {-1, 3, 4}),
                        new Tensor("ids", "INT64", new long[] {-1, 2})),
                7);
        assertThat(in.get("pixel_values").shape()).containsExactly(7, 3, 4);
        assertThat(in.get("ids").shape()).containsExactly(7, 2);
        assertThat(in.get("ids").longs()).containsOnly(0L);
        assertThat(in.get("pixel_values").floats()).doesNotContain(Float.NaN).hasSize(84);
    }

    @Test
    void onnxRuntimeComputesTheReferenceOfARealGraph() throws Exception {
        Path onnx = TinyOnnxModel.write(dir.resolve("tiny.onnx"));
        float[] x = {1, 2, 3, -1, 0.5f, 4};
        try (OrtReference ort = new OrtReference(onnx)) {
            assertThat(ort.inputs()).hasSize(1);
            assertThat(ort.inputs().get(0).name()).isEqualTo("X");
            assertThat(ort.inputs().get(0).shape()).containsExactly(-1, 3);
            Map<String, HostTensor> out = ort.run(Map.of("X", HostTensor.ofFloats(new long[] {2, 3}, x)));
            assertThat(out.get("Y").shape()).containsExactly(2, 2);
            assertThat(out.get("Y").floats()).containsExactly(TinyOnnxModel.expected(x), within(1e-5f));
        }
    }

    @Test
    void withoutTensorRtAGraphIsStillMeasuredOnOnnxRuntime() throws Exception {
        Path onnx = TinyOnnxModel.write(dir.resolve("tiny.onnx"));
        Path lib = Files.createDirectories(dir.resolve("lib"));
        Map<String, Object> report = new LinkedHashMap<>();
        int status = TensorRtCheck.run(
                TensorRtCheck.parse(new String[] {
                    "--library-path",
                    lib.toString(),
                    "--onnx",
                    onnx.toString(),
                    "--batch",
                    "1,4",
                    "--runs",
                    "3",
                    "--warmup",
                    "1"
                }),
                report);
        assertThat(status).isZero();
        assertThat(report.get("available")).isEqualTo(false);
        assertThat((String) report.get("reference")).isEqualTo("onnxruntime-cpu on random inputs, batch 4");
        Map<?, ?> ort = (Map<?, ?>) report.get("onnxruntimeCpu");
        Map<?, ?> latency = (Map<?, ?>) ort.get("latency");
        assertThat(new java.util.ArrayList<Object>(latency.keySet())).containsExactly("batch1", "batch4");
        Map<?, ?> batch4 = (Map<?, ?>) latency.get("batch4");
        assertThat((Double) batch4.get("p50Ms")).isPositive();
        assertThat(batch4.get("runs")).isEqualTo(3);
        assertThat(report).doesNotContainKey("results");
    }

    @Test
    void aCaseIsCheckedAgainstOnnxRuntimeToo() throws Exception {
        Path onnx = TinyOnnxModel.write(dir.resolve("tiny.onnx"));
        float[] x = {1, 2, 3};
        float[] y = TinyOnnxModel.expected(x);
        ByteBuffer xs = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : x) {
            xs.putFloat(v);
        }
        ByteBuffer ys = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        ys.putFloat(y[0]).putFloat(y[1] + 0.25f); // the reference is off by 0.25 in one element
        Files.write(dir.resolve("x.bin"), xs.array());
        Files.write(dir.resolve("y.bin"), ys.array());
        Path caseFile = Files.writeString(
                dir.resolve("case.properties"), "input.X = FP32 1,3 x.bin\noutput.Y = FP32 1,2 y.bin\n");
        Map<String, Object> report = new LinkedHashMap<>();
        TensorRtCheck.run(
                TensorRtCheck.parse(new String[] {
                    "--library-path",
                    dir.resolve("none").toString(),
                    "--onnx",
                    onnx.toString(),
                    "--case",
                    caseFile.toString(),
                    "--batch",
                    "2",
                    "--runs",
                    "2",
                    "--warmup",
                    "0"
                }),
                report);
        Map<?, ?> ort = (Map<?, ?>) report.get("onnxruntimeCpu");
        Map<?, ?> diffs = (Map<?, ?>) ort.get("maxAbsDiff");
        assertThat((Double) diffs.get("Y")).isCloseTo(0.25, org.assertj.core.data.Offset.offset(1e-5));
        assertThat(new java.util.ArrayList<Object>(((Map<?, ?>) ort.get("latency")).keySet()))
                .containsExactly("batch2");
    }

    @Test
    void aGraphThatRandomInputsCannotFeedIsReportedNotThrown() throws Exception {
        Path onnx = TinyOnnxModel.write(dir.resolve("tiny.onnx"), new long[] {-1, -1});
        Map<String, Object> report = new LinkedHashMap<>();
        int status = TensorRtCheck.run(
                TensorRtCheck.parse(new String[] {
                    "--library-path", dir.resolve("none").toString(), "--onnx", onnx.toString(), "--runs", "1"
                }),
                report);
        assertThat(status).isEqualTo(2);
        assertThat(report.get("available")).isEqualTo(false);
        assertThat((String) ((Map<?, ?>) report.get("onnxruntimeCpu")).get("error"))
                .contains("input 'X' has a dynamic dimension 1; give a --case with real inputs");
    }

    @Test
    void comparisonNamesMissingAndMisshapenOutputs() {
        HostTensor a = HostTensor.ofFloats(new long[] {1, 2}, new float[] {1, 2});
        HostTensor b = HostTensor.ofFloats(new long[] {2, 1}, new float[] {1, 2});
        assertThat(TensorRtCheck.compare(Map.of("y", a), Map.of("y", a)).get("y"))
                .isEqualTo(0.0);
        assertThat(TensorRtCheck.compare(Map.of("y", b), Map.of("y", a)).get("y"))
                .isEqualTo("shape [2, 1], expected [1, 2]");
        assertThat(TensorRtCheck.compare(Map.of(), Map.of("y", a)).get("y")).isEqualTo("missing");
        HostTensor ids = HostTensor.ofLongs(new long[] {2}, new long[] {1, 2});
        HostTensor other = HostTensor.ofLongs(new long[] {2}, new long[] {1, 3});
        assertThat(TensorRtCheck.compare(Map.of("i", ids), Map.of("i", ids)).get("i"))
                .isEqualTo(0.0);
        assertThat(TensorRtCheck.compare(Map.of("i", other), Map.of("i", ids)).get("i"))
                .isEqualTo("differs");
    }

    @Test
    void jsonEscapesAndNests() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("a", "quote \" backslash \\ newline \n");
        m.put("b", List.of(1, 2.5, true));
        m.put("c", Map.of());
        m.put("d", Double.NaN);
        assertThat(Json.write(m))
                .isEqualTo("{\n  \"a\": \"quote \\\" backslash \\\\ newline \\n\",\n  \"b\": [1, 2.5, true],\n"
                        + "  \"c\": {},\n  \"d\": null\n}");
    }
}
