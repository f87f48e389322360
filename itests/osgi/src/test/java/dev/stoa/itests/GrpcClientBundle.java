package dev.stoa.itests;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;

/**
 * Packs InferenceV2IT's gRPC client ({@code v2grpc.GrpcCalls} and the stubs generated into this module from
 * grpc_predict_v2.proto) with grpc-java (API, core, shaded Netty, stub, protobuf) and protobuf-java from the test JVM's
 * class path into one bundle, so the client runs inside the framework; the test calls it reflectively. The
 * server side does not use this bundle: dev.stoa.protocol.v2 carries its own gRPC, privately. Runs outside the
 * framework.
 */
final class GrpcClientBundle {

    /** A class of each jar to pack; missing ones (an artifact merged into another upstream) are skipped. */
    private static final String[] MARKERS = {
        "io.grpc.Channel",
        "io.grpc.internal.ManagedChannelImplBuilder",
        "io.grpc.util.MutableHandlerRegistry",
        "io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder",
        "io.grpc.stub.ClientCalls",
        "io.grpc.protobuf.ProtoUtils",
        "io.grpc.protobuf.lite.ProtoLiteUtils",
        "com.google.protobuf.Message",
        "com.google.common.base.Preconditions",
        "com.google.common.util.concurrent.internal.InternalFutureFailureAccess",
        "com.google.rpc.Status",
        "io.perfmark.PerfMark",
    };

    private GrpcClientBundle() {}

    static Path write(Path file) throws IOException {
        Set<Path> jars = new LinkedHashSet<>();
        for (String marker : MARKERS) {
            try {
                jars.add(Path.of(Class.forName(marker)
                        .getProtectionDomain()
                        .getCodeSource()
                        .getLocation()
                        .toURI()));
            } catch (ClassNotFoundException | java.net.URISyntaxException e) {
                // not on the class path in this grpc-java version
            }
        }
        // the client itself: the stubs generated from grpc_predict_v2.proto and GrpcCalls, from this module's classes
        Path classes;
        try {
            classes = Path.of(GrpcClientBundle.class
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation()
                    .toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IOException(e);
        }
        List<Path> own = new ArrayList<>();
        for (String dir : new String[] {"dev/stoa/protocol/v2/internal/grpc", "dev/stoa/itests/v2grpc"}) {
            try (Stream<Path> files = Files.list(classes.resolve(dir))) {
                files.filter(f -> f.toString().endsWith(".class")).forEach(own::add);
            }
        }
        Set<String> packages = new TreeSet<>();
        for (Path f : own) {
            packages.add(classes.relativize(f.getParent()).toString().replace('/', '.'));
        }
        for (Path source : jars) {
            try (JarFile in = new JarFile(source.toFile())) {
                in.stream()
                        .map(JarEntry::getName)
                        .filter(n -> n.endsWith(".class") && n.contains("/") && !n.startsWith("META-INF/"))
                        .forEach(n ->
                                packages.add(n.substring(0, n.lastIndexOf('/')).replace('/', '.')));
            }
        }
        Manifest manifest = new Manifest();
        Attributes a = manifest.getMainAttributes();
        a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        a.putValue("Bundle-ManifestVersion", "2");
        a.putValue("Bundle-SymbolicName", "dev.stoa.itests.grpc-client");
        a.putValue("Bundle-Version", "1.0.0");
        a.putValue("Export-Package", String.join(",", packages));
        // sun.misc and the like, which gRPC and Netty reach only when present; not "*", which would let ServiceLoader
        // find the test JVM's own copies of gRPC's service files (and classes) instead of this bundle's
        a.putValue("DynamicImport-Package", "sun.*,com.sun.*,javax.*,org.ietf.jgss");
        Set<String> written = new LinkedHashSet<>();
        // gRPC finds its name resolvers and load balancers with ServiceLoader: the jars' service files, merged
        java.util.Map<String, String> services = new java.util.TreeMap<>();
        Path tmp = file.resolveSibling(file.getFileName() + ".part");
        try (OutputStream out = Files.newOutputStream(tmp);
                JarOutputStream jar = new JarOutputStream(out, manifest)) {
            for (Path f : own) {
                jar.putNextEntry(new JarEntry(classes.relativize(f).toString()));
                Files.copy(f, jar);
                jar.closeEntry();
            }
            for (Path source : jars) {
                try (JarFile in = new JarFile(source.toFile())) {
                    for (JarEntry e : (Iterable<JarEntry>) in.stream()::iterator) {
                        String name = e.getName();
                        if (name.startsWith("META-INF/services/") && !e.isDirectory()) {
                            try (InputStream data = in.getInputStream(e)) {
                                services.merge(name, new String(data.readAllBytes()) + "\n", String::concat);
                            }
                            continue;
                        }
                        if (e.isDirectory() || name.startsWith("META-INF/") || !written.add(name)) {
                            continue;
                        }
                        jar.putNextEntry(new JarEntry(name));
                        try (InputStream data = in.getInputStream(e)) {
                            data.transferTo(jar);
                        }
                        jar.closeEntry();
                    }
                }
            }
            for (java.util.Map.Entry<String, String> service : services.entrySet()) {
                jar.putNextEntry(new JarEntry(service.getKey()));
                jar.write(service.getValue().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                jar.closeEntry();
            }
        }
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return file;
    }
}
