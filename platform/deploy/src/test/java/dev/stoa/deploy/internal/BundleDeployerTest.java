package dev.stoa.deploy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The manifest checks that decide whether a deployed file is reported as "not a bundle". */
class BundleDeployerTest {

    @TempDir
    Path dir;

    @Test
    void jarWithSymbolicNameIsABundle() throws IOException {
        assertThat(BundleDeployer.checkManifest(jar("ok.jar", "com.example.ok")))
                .isNull();
    }

    @Test
    void plainJarIsReportedWithTheFix() throws IOException {
        assertThat(BundleDeployer.checkManifest(jar("plain.jar", null)))
                .contains("no Bundle-SymbolicName")
                .contains("bnd");
    }

    @Test
    void garbageFileIsReportedAsUnreadable() throws IOException {
        Path f = dir.resolve("broken.jar");
        Files.writeString(f, "not a zip at all");
        assertThat(BundleDeployer.checkManifest(f.toFile())).contains("not a readable jar");
    }

    @Test
    void reasonShowsTheCausesTheFrameworkWrapped() {
        Exception e = new Exception(
                "Could not create bundle object.", new IllegalArgumentException("Invalid version range: [1,"));
        assertThat(BundleDeployer.reason(e)).isEqualTo("Could not create bundle object.: Invalid version range: [1,");
    }

    @Test
    void locationIsTheFileUri() {
        File f = dir.resolve("x.jar").toFile();
        assertThat(BundleDeployer.location(f)).startsWith("file:/").endsWith("/x.jar");
    }

    private File jar(String name, String symbolicName) throws IOException {
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        if (symbolicName != null) {
            m.getMainAttributes().putValue("Bundle-ManifestVersion", "2");
            m.getMainAttributes().putValue("Bundle-SymbolicName", symbolicName);
        }
        Path f = dir.resolve(name);
        try (OutputStream out = Files.newOutputStream(f);
                JarOutputStream jar = new JarOutputStream(out, m)) {
            jar.flush();
        }
        return f.toFile();
    }
}
