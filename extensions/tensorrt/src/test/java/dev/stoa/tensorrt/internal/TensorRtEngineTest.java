package dev.stoa.tensorrt.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import dev.stoa.api.engine.EngineOptions;
import dev.stoa.api.engine.InferenceEngine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TensorRtEngineTest {

    @TempDir
    Path dir;

    private Settings settings() {
        return new Settings(dir.toString(), dir.resolve("cache"), 2, 0, 0);
    }

    @Test
    void withoutTheLibrariesItIsRegisteredUnavailableAndSaysWhy() throws Exception {
        Path lib = Files.createDirectories(dir.resolve("lib"));
        InferenceEngine engine = new TensorRtEngine(settings(), List.of(lib));
        assertThat(engine.name()).isEqualTo("tensorrt");
        assertThat(engine.unavailableReason().orElseThrow())
                .startsWith("libnvinfer.so.11 not found in " + lib)
                .contains("libraryPath in etc/dev.stoa.tensorrt.cfg");
        Path graph = Files.write(dir.resolve("model.onnx"), new byte[] {1});
        assertThatThrownBy(() -> engine.open(graph, EngineOptions.defaults()))
                .isInstanceOfSatisfying(
                        StoaException.class, e -> assertThat(e.code()).isEqualTo(FailureCode.UNAVAILABLE))
                .hasMessageStartingWith("tensorrt unavailable: libnvinfer.so.11 not found in " + lib);
        assertThat(dir.resolve("cache")).doesNotExist();
    }

    @Test
    void librariesThatDoNotLoadAreReportedWithTheLoadersError() throws Exception {
        // every file is there by name, none is a shared library: the probe passes, JavaCPP's loader fails
        Path lib = Files.createDirectories(dir.resolve("fake"));
        for (String name : LibraryProbe.REQUIRED) {
            Files.writeString(lib.resolve(name), "not a shared library");
        }
        InferenceEngine engine = new TensorRtEngine(settings(), List.of(lib));
        assertThat(engine.unavailableReason().orElseThrow())
                .startsWith("TensorRT's libraries were found (" + lib.resolve("libnvinfer.so.11"))
                .contains("did not load: UnsatisfiedLinkError")
                .contains("libcuda.so.1") // loaded first, so the one the loader names
                .contains("searched " + lib)
                .contains("libraryPath in etc/dev.stoa.tensorrt.cfg");
    }

    @Test
    void relativeCacheFoldersAreUnderStoaHome() {
        TensorRtEngine.Config config = new TensorRtEngine.Config() {
            @Override
            public Class<? extends java.lang.annotation.Annotation> annotationType() {
                return TensorRtEngine.Config.class;
            }

            @Override
            public String libraryPath() {
                return "/opt/trt/lib";
            }

            @Override
            public String cacheDir() {
                return "data/tensorrt-cache";
            }

            @Override
            public int instances() {
                return 3;
            }

            @Override
            public int device() {
                return 1;
            }

            @Override
            public long workspaceMiB() {
                return 512;
            }
        };
        Settings s = TensorRtEngine.settings("/srv/stoa", config);
        assertThat(s.cacheDir()).isEqualTo(Path.of("/srv/stoa/data/tensorrt-cache"));
        assertThat(s.libraryPath()).isEqualTo("/opt/trt/lib");
        assertThat(s.instances()).isEqualTo(3);
        assertThat(s.device()).isEqualTo(1);
        assertThat(s.workspaceMiB()).isEqualTo(512);
    }

    @Test
    void badSettingsAreRefusedNamingTheSetting() {
        assertThatThrownBy(() -> new Settings("", dir, 0, 0, 0)).hasMessageContaining("instances is 0");
        assertThatThrownBy(() -> new Settings("", dir, 1, -1, 0)).hasMessageContaining("device is -1");
    }
}
