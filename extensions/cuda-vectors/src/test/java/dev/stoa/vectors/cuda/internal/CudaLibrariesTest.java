package dev.stoa.vectors.cuda.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CudaLibrariesTest {

    @TempDir
    Path dir;

    @Test
    void aMissingLibraryIsNamedWithEveryFolderSearched() throws Exception {
        Path a = Files.createDirectories(dir.resolve("a"));
        Path b = Files.createDirectories(dir.resolve("b"));
        Files.writeString(b.resolve("libcuda.so.1"), "");

        CudaLibraries.Probe probe = CudaLibraries.probe(List.of(a, b), List.of("libcuda.so.1", "libcudart.so.13"));

        assertThat(probe.complete()).isFalse();
        assertThat(probe.found()).containsOnlyKeys("libcuda.so.1");
        assertThat(probe.found().get("libcuda.so.1")).isEqualTo(b.resolve("libcuda.so.1"));
        assertThat(probe.reason())
                .startsWith("libcudart.so.13 not found in " + a + ", " + b)
                .contains("libraryPath in etc/dev.stoa.vectors.cuda.cfg");
    }

    @Test
    void theFirstFolderHoldingALibraryWins() throws Exception {
        Path a = Files.createDirectories(dir.resolve("a"));
        Path b = Files.createDirectories(dir.resolve("b"));
        for (Path p : List.of(a, b)) {
            for (String name : CudaLibraries.REQUIRED) {
                Files.writeString(p.resolve(name), "");
            }
        }

        CudaLibraries.Probe probe = CudaLibraries.probe(List.of(b, a), CudaLibraries.REQUIRED);

        assertThat(probe.complete()).isTrue();
        assertThat(probe.reason()).isNull();
        assertThat(probe.found().keySet()).containsExactlyElementsOf(CudaLibraries.REQUIRED);
        assertThat(probe.found().values()).allMatch(p -> p.getParent().equals(b));
    }

    @Test
    void foldersComeFromTheSettingThenLdLibraryPathThenLdSoConfThenTheUsualPlaces() throws Exception {
        Path conf = dir.resolve("ld.so.conf");
        Path confDir = Files.createDirectories(dir.resolve("ld.so.conf.d"));
        Files.writeString(conf, "# comment\ninclude " + confDir + "/*.conf\n/opt/direct\n");
        Files.writeString(confDir.resolve("cuda.conf"), "/opt/cuda/lib64 # trailing comment\n");

        List<Path> folders = CudaLibraries.folders("/set/one:/set/two, /set/three", "/ld/path::/set/one", conf);

        assertThat(folders)
                .startsWith(
                        Path.of("/set/one"),
                        Path.of("/set/two"),
                        Path.of("/set/three"),
                        Path.of("/ld/path"),
                        Path.of("/opt/cuda/lib64"),
                        Path.of("/opt/direct"),
                        Path.of("/usr/local/cuda/lib64"))
                .doesNotHaveDuplicates()
                .contains(Path.of("/usr/lib/x86_64-linux-gnu"));
    }
}
