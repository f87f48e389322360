package dev.stoa.itests;

import dev.stoa.itests.tiny.CodedFailureActivator;
import dev.stoa.itests.tiny.CodedFailureService;
import dev.stoa.itests.tiny.EchoActivator;
import dev.stoa.itests.tiny.EchoService;
import dev.stoa.itests.tiny.FailingComponent;
import dev.stoa.itests.tiny.ThrowingActivator;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.ops4j.pax.tinybundles.TinyBundle;
import org.ops4j.pax.tinybundles.TinyBundles;
import org.osgi.framework.Constants;

/**
 * Builds the throwaway bundles the itests deploy, with TinyBundles (bnd computes their imports). Runs in the test
 * JVM, outside the framework, from the {@code @Configuration} method: the tests inside get the jars as files.
 */
final class TestBundles {

    static final String ECHO = "echo";

    private TestBundles() {}

    /** An echo service bundle; {@code version} becomes its Bundle-Version, which each answer carries. */
    static Path echo(Path dir, String id, String version) throws IOException {
        TinyBundle b = TinyBundles.bundle()
                .symbolicName("dev.stoa.itests.echo." + id)
                .setHeader(Constants.BUNDLE_VERSION, version)
                .setHeader("Stoa-Test-Id", id)
                .setHeader("Private-Package", "dev.stoa.itests.tiny")
                .addClass(EchoService.class)
                .activator(EchoActivator.class);
        return write(b, dir.resolve(id + "-" + version + ".jar"));
    }

    /** The service {@code failer}, which fails with the failure code its input text names. */
    static Path codedFailures(Path dir) throws IOException {
        TinyBundle b = TinyBundles.bundle()
                .symbolicName("dev.stoa.itests.failer")
                .setHeader(Constants.BUNDLE_VERSION, "1.0.0")
                .setHeader("Private-Package", "dev.stoa.itests.tiny")
                .addClass(CodedFailureService.class)
                .activator(CodedFailureActivator.class);
        return write(b, dir.resolve("failer.jar"));
    }

    /** A bundle that imports a package nobody exports. */
    static Path missingImport(Path dir) throws IOException {
        TinyBundle b = TinyBundles.bundle()
                .symbolicName("dev.stoa.itests.missing")
                .setHeader(Constants.BUNDLE_VERSION, "1.0.0")
                .setHeader(Constants.IMPORT_PACKAGE, "com.example.not.there;version=\"[1,2)\"");
        return write(b, TinyBundles.rawBuilder(), dir.resolve("missing-import.jar"));
    }

    /** A bundle whose activator throws. */
    static Path throwingActivator(Path dir) throws IOException {
        TinyBundle b = TinyBundles.bundle()
                .symbolicName("dev.stoa.itests.throwing")
                .setHeader(Constants.BUNDLE_VERSION, "1.0.0")
                .setHeader("Private-Package", "dev.stoa.itests.tiny")
                .activator(ThrowingActivator.class);
        return write(b, dir.resolve("throwing-activator.jar"));
    }

    /** A bundle with a Declarative Services component whose activate method throws. */
    static Path failingComponent(Path dir) throws IOException {
        TinyBundle b = TinyBundles.bundle()
                .symbolicName("dev.stoa.itests.failing")
                .setHeader(Constants.BUNDLE_VERSION, "1.0.0")
                .setHeader("Private-Package", "dev.stoa.itests.tiny")
                .setHeader("Service-Component", "OSGI-INF/failing.xml")
                .addClass(FailingComponent.class)
                .addResource("OSGI-INF/failing.xml", TestBundles.class.getResource("/tiny/failing.xml"));
        return write(b, dir.resolve("failing-component.jar"));
    }

    /** A jar that is not a bundle: no Bundle-SymbolicName. */
    static Path plainJar(Path dir) throws IOException {
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        Path f = dir.resolve("plain-library.jar");
        try (OutputStream out = Files.newOutputStream(f);
                JarOutputStream jar = new JarOutputStream(out, m)) {
            jar.flush();
        }
        return f;
    }

    /** A jar whose manifest is invalid: an Import-Package header bnd would never write. */
    static Path badManifest(Path dir) throws IOException {
        Manifest m = new Manifest();
        Attributes a = m.getMainAttributes();
        a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        a.putValue(Constants.BUNDLE_MANIFESTVERSION, "2");
        a.putValue(Constants.BUNDLE_SYMBOLICNAME, "dev.stoa.itests.badmanifest");
        a.putValue(Constants.IMPORT_PACKAGE, "com.example;version=\"[1,\"");
        Path f = dir.resolve("bad-manifest.jar");
        try (OutputStream out = Files.newOutputStream(f);
                JarOutputStream jar = new JarOutputStream(out, m)) {
            jar.flush();
        }
        return f;
    }

    private static Path write(TinyBundle b, Path file) throws IOException {
        return write(b, TinyBundles.bndBuilder(), file);
    }

    private static Path write(TinyBundle b, org.ops4j.pax.tinybundles.Builder builder, Path file) throws IOException {
        Files.createDirectories(file.getParent());
        try (InputStream in = b.build(builder)) {
            Files.copy(in, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        return file;
    }
}
