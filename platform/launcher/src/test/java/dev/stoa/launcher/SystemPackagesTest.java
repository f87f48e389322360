package dev.stoa.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SystemPackagesTest {

    @TempDir
    Path dir;

    @Test
    void exportsEveryPackageWithClassesAtTheBundleVersion() throws IOException {
        Path jar = jar(
                "engine.jar",
                "Bundle-Version",
                "2.7.1-0.36.0",
                "ai/djl/pytorch/engine/PtEngine.class",
                "ai/djl/pytorch/jni/JniUtils.class",
                "ai/djl/pytorch/jni/JniUtils$1.class",
                "ai/djl/pytorch/package-info.class",
                "native/lib/pytorch.properties", // resources only: not a package
                "Standalone.class", // default package cannot be exported
                "module-info.class",
                "META-INF/versions/11/ai/djl/mr/Multi.class");

        assertThat(SystemPackages.forJars(List.of(jar)))
                .isEqualTo("ai.djl.pytorch;version=2.7.1.0_36_0,"
                        + "ai.djl.pytorch.engine;version=2.7.1.0_36_0,"
                        + "ai.djl.pytorch.jni;version=2.7.1.0_36_0");
    }

    @Test
    void fallsBackToImplementationVersionAndThenToNoVersion() throws IOException {
        Path implementation = jar("impl.jar", "Implementation-Version", "1.0-SNAPSHOT", "com/example/a/A.class");
        Path none = jar("none.jar", null, null, "com/example/b/B.class");

        assertThat(SystemPackages.forJars(List.of(implementation, none)))
                .isEqualTo("com.example.a;version=1.0.0.SNAPSHOT,com.example.b");
    }

    @Test
    void usesSpecificationVersionWhenItIsTheOnlyOne() throws IOException {
        // DJL's jars carry only Specification-Version
        Path jar = jar("djl.jar", "Specification-Version", "0.36.0", "ai/djl/engine/Engine.class");

        assertThat(SystemPackages.forJars(List.of(jar))).isEqualTo("ai.djl.engine;version=0.36.0");
    }

    @Test
    void firstJarWinsWhenTwoHoldTheSamePackage() throws IOException {
        Path first = jar("first.jar", "Bundle-Version", "2", "org/split/One.class");
        Path second = jar("second.jar", "Bundle-Version", "3", "org/split/Two.class");

        assertThat(SystemPackages.forJars(List.of(first, second))).isEqualTo("org.split;version=2.0.0");
    }

    @Test
    void versionThatDoesNotStartWithADigitIsLeftOut() throws IOException {
        Path jar = jar("odd.jar", "Implementation-Version", "unknown", "org/odd/Odd.class");

        assertThat(SystemPackages.forJars(List.of(jar))).isEqualTo("org.odd");
    }

    @Test
    void classPathScansJarsAndSkipsDirectoriesAndMissingEntries() throws IOException {
        Path jar = jar("lib.jar", "Bundle-Version", "0.36.0", "ai/djl/engine/Engine.class");
        Path classes = Files.createDirectories(dir.resolve("classes/org/own"));
        Files.write(classes.resolve("Own.class"), new byte[] {0});
        String classPath = String.join(
                File.pathSeparator,
                dir.resolve("classes").toString(),
                jar.toString(),
                dir.resolve("missing.jar").toString());

        assertThat(SystemPackages.forClassPath(classPath)).isEqualTo("ai.djl.engine;version=0.36.0");
    }

    @Test
    void unreadableJarNamesTheFile() throws IOException {
        Path broken = Files.writeString(dir.resolve("broken.jar"), "not a zip");

        assertThatThrownBy(() -> SystemPackages.forJars(List.of(broken)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("broken.jar");
    }

    @Test
    void osgiVersionsFromMavenVersions() {
        assertThat(SystemPackages.toOsgiVersion("0.36.0")).hasValue("0.36.0");
        assertThat(SystemPackages.toOsgiVersion("5")).hasValue("5.0.0");
        assertThat(SystemPackages.toOsgiVersion("1.5.18.v20240101")).hasValue("1.5.18.v20240101");
        assertThat(SystemPackages.toOsgiVersion("2.0.0-beta+build.7")).hasValue("2.0.0.beta_build_7");
        assertThat(SystemPackages.toOsgiVersion("v1")).isEmpty();
    }

    private Path jar(String name, String versionHeader, String version, String... entries) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        if (versionHeader != null) {
            manifest.getMainAttributes().putValue(versionHeader, version);
        }
        Path jar = dir.resolve(name);
        try (OutputStream file = Files.newOutputStream(jar);
                JarOutputStream out = new JarOutputStream(file, manifest)) {
            for (String entry : entries) {
                out.putNextEntry(new JarEntry(entry));
                out.write(0);
                out.closeEntry();
            }
        }
        return jar;
    }
}
