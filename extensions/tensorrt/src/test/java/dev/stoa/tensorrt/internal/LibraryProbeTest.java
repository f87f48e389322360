package dev.stoa.tensorrt.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LibraryProbeTest {

    @TempDir
    Path dir;

    private Path folderWith(String name, String... libraries) throws Exception {
        Path folder = Files.createDirectories(dir.resolve(name));
        for (String l : libraries) {
            Files.write(folder.resolve(l), new byte[] {0x7f, 'E', 'L', 'F'});
        }
        return folder;
    }

    @Test
    void findsEveryLibraryAcrossFolders() throws Exception {
        Path trt = folderWith("trt", "libnvinfer.so.11", "libnvinfer_plugin.so.11", "libnvonnxparser.so.11");
        Path cuda = folderWith("cuda", "libcudart.so.13", "libcuda.so.1");
        LibraryProbe.Result r = LibraryProbe.probe(List.of(trt, cuda));
        assertThat(r.reason()).isEmpty();
        assertThat(r.missing()).isEmpty();
        assertThat(r.found()).containsOnlyKeys(LibraryProbe.REQUIRED);
        assertThat(r.found().get("libnvinfer.so.11")).isEqualTo(trt.resolve("libnvinfer.so.11"));
        assertThat(r.found().get("libcuda.so.1")).isEqualTo(cuda.resolve("libcuda.so.1"));
    }

    @Test
    void namesTheFirstMissingLibraryTheFoldersAndTheFix() throws Exception {
        Path empty = folderWith("empty");
        Path other = folderWith("other", "libcudart.so.13");
        LibraryProbe.Result r = LibraryProbe.probe(List.of(empty, other));
        assertThat(r.missing()).contains("libnvinfer.so.11");
        assertThat(r.reason().orElseThrow())
                .startsWith("libnvinfer.so.11 not found in " + empty + ":" + other + " (")
                .contains("install TensorRT 11")
                .contains("set libraryPath in etc/dev.stoa.tensorrt.cfg")
                .contains("LD_LIBRARY_PATH");
    }

    @Test
    void aLaterMissingLibraryIsNamedWithItsOwnFix() throws Exception {
        Path trt = folderWith(
                "trt", "libnvinfer.so.11", "libnvinfer_plugin.so.11", "libnvonnxparser.so.11", "libcudart.so.13");
        LibraryProbe.Result r = LibraryProbe.probe(List.of(trt));
        assertThat(r.missing()).contains("libcuda.so.1");
        assertThat(r.found()).hasSize(4);
        assertThat(r.reason().orElseThrow())
                .startsWith("libcuda.so.1 not found in " + trt)
                .contains("NVIDIA driver");

        Files.delete(trt.resolve("libnvonnxparser.so.11"));
        assertThat(LibraryProbe.probe(List.of(trt)).reason().orElseThrow())
                .startsWith("libnvonnxparser.so.11 not found");
    }

    @Test
    void aFolderOfTheRightNameIsNotALibrary() throws Exception {
        Path trt = folderWith("trt");
        Files.createDirectories(trt.resolve("libnvinfer.so.11"));
        assertThat(LibraryProbe.probe(List.of(trt)).missing()).contains("libnvinfer.so.11");
    }

    @Test
    void searchOrderIsConfiguredThenEnvironmentThenLinkerThenSystem() throws Exception {
        Path conf = dir.resolve("ld.so.conf");
        Path confD = Files.createDirectories(dir.resolve("ld.so.conf.d"));
        Files.writeString(conf, "# comment\ninclude " + confD + "/*.conf\n/opt/direct\n");
        Files.writeString(confD.resolve("b.conf"), "/opt/b # trailing comment\n");
        Files.writeString(confD.resolve("a.conf"), "/opt/a\n\n");
        Files.writeString(confD.resolve("ignored.txt"), "/opt/ignored\n");
        List<Path> folders = LibraryProbe.folders(
                "/cfg/one:/cfg/two", "/env:/cfg/one", conf, List.of(Path.of("/usr/lib"), Path.of("/env")));
        assertThat(folders)
                .containsExactly(
                        Path.of("/cfg/one"),
                        Path.of("/cfg/two"),
                        Path.of("/env"),
                        Path.of("/opt/a"),
                        Path.of("/opt/b"),
                        Path.of("/opt/direct"),
                        Path.of("/usr/lib"));
    }

    @Test
    void blankPathsAndAMissingConfigAddNothing() {
        List<Path> folders = LibraryProbe.folders(" ", null, dir.resolve("none.conf"), List.of(Path.of("/usr/lib")));
        assertThat(folders).containsExactly(Path.of("/usr/lib"));
    }

    @Test
    void theConfiguredPathIsSearchedFirst() throws Exception {
        Path first = folderWith("first", LibraryProbe.REQUIRED.toArray(String[]::new));
        Path second = folderWith("second", LibraryProbe.REQUIRED.toArray(String[]::new));
        LibraryProbe.Result r = LibraryProbe.probe(
                LibraryProbe.folders(second.toString(), first.toString(), dir.resolve("none"), List.of()));
        assertThat(r.found().values()).allMatch(p -> p.getParent().equals(second));
    }
}
