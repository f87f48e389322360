package dev.stoa.gpucheck;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The check on the build machine, which has no GPU: a valid report that says CUDA is missing and why. */
class DeviceCheckTest {

    @TempDir
    Path dir;

    @Test
    void withoutCudaTheReportIsValidJsonNamingWhatIsMissing() throws Exception {
        Path out = dir.resolve("report/device-check.json");
        Path empty = Files.createDirectories(dir.resolve("empty"));

        DeviceCheck.main(
                new String[] {"--out", out.toString(), "--library-path", empty.toString(), "--budget-s", "60"});

        JsonObject report = new JsonObject(Files.readString(out));
        JsonObject cuda = report.getJsonObject("cuda");
        // the build machines have no NVIDIA driver (libcuda.so.1): a GPU machine would report found = true instead
        assertThat(cuda.getBoolean("found")).isFalse();
        assertThat(cuda.getJsonArray("missing").getList()).contains("libcuda.so.1");
        assertThat(cuda.getString("reason")).contains("libcuda.so.1").contains("not found in " + empty + ", ");
        assertThat(report.getJsonObject("cpu_reference").getBoolean("top10_equals_full_sort"))
                .isTrue();
        JsonObject trt = report.getJsonObject("tensorrt");
        assertThat(trt.getBoolean("found")).isFalse();
        assertThat(trt.getString("reason")).contains("libnvinfer.so.11");
        assertThat(trt.getString("engine_check")).startsWith("not run");
        assertThat(report.getString("result")).isEqualTo("no GPU check: CUDA not found");
        assertThat(report.getString("finished")).isNotBlank();
    }

    @Test
    void argumentsArePairs() {
        assertThat(DeviceCheck.arguments(new String[] {"--out", "x.json", "--dim", "8"}))
                .containsEntry("out", "x.json")
                .containsEntry("dim", "8");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> DeviceCheck.arguments(new String[] {"--out"}))
                .hasMessageContaining("--name value pairs");
    }
}
