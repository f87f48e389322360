package dev.stoa.itests;

import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.fail;
import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.cleanCaches;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.frameworkStartLevel;
import static org.ops4j.pax.exam.CoreOptions.junitBundles;
import static org.ops4j.pax.exam.CoreOptions.systemPackages;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import dev.stoa.launcher.PropertiesFile;
import dev.stoa.launcher.SystemPackages;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import javax.inject.Inject;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.options.UrlProvisionOption;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.util.tracker.ServiceTracker;

/**
 * Boots what the distribution ships, as {@code bin/stoa} does: its {@code etc/config.properties} as framework
 * properties, every bundle of its {@code system/} folder at the start level its {@code startup.properties} gives,
 * and the packages of its {@code lib/} jars (DJL, slf4j) exported through the system bundle; its {@code models/} are
 * linked into the work folder. Each test class gets its own framework, JVM and work folder (with
 * {@code etc/}, {@code deploy/}, {@code data/}) and HTTP port.
 *
 * <p>{@link #config()} runs in the test JVM, outside the framework: it also builds the throwaway bundles
 * ({@link TestBundles}) the tests then copy into {@code deploy/}. Their folder and the HTTP port reach the tests as
 * system properties.
 */
public abstract class StoaTestSupport {

    /** Longest wait for anything asynchronous to happen: generous, the machine is shared and has 2 cores. */
    protected static final long WAIT_MS = 60_000;

    @Inject
    protected BundleContext context;

    /** @return whether the trainer trains first_start files at start-up in this test's container; false by default */
    protected boolean firstStartTraining() {
        return false;
    }

    @Configuration
    public Option[] config() throws IOException {
        Path dist = Path.of(System.getProperty("stoa.dist"), "stoa");
        Path work = Files.createDirectories(Path.of(System.getProperty("stoa.itest.work")))
                .resolve(getClass().getSimpleName());
        deleteTree(work);
        Path etc = Files.createDirectories(work.resolve("etc"));
        // the shipped component configurations and pipelines; config.properties becomes framework properties below
        try (Stream<Path> files = Files.walk(dist.resolve("etc"))) {
            for (Path f : (Iterable<Path>) files.filter(
                    p -> p.toString().endsWith(".cfg") || p.toString().endsWith(".yaml"))::iterator) {
                Path target = etc.resolve(dist.resolve("etc").relativize(f).toString());
                Files.createDirectories(target.getParent());
                Files.copy(f, target);
            }
        }
        Files.createDirectories(work.resolve("deploy"));
        if (Files.isDirectory(dist.resolve("models"))) {
            // the shipped model folders, which etc/'s encoder configurations name relative to stoa.home (hundreds
            // of MB: linked, not copied)
            Files.createSymbolicLink(
                    work.resolve("models"), dist.resolve("models").toAbsolutePath());
        }
        Path bundles = Files.createDirectories(work.resolve("bundles"));
        buildBundles(bundles);

        List<Option> options = new ArrayList<>();
        options.add(systemPackages(
                SystemPackages.forJars(libraryJars(dist.resolve("lib"))).split(",")));
        // the distribution's own framework properties, with this test's work folder as stoa.home
        Map<String, String> properties = PropertiesFile.load(
                dist.resolve("etc/config.properties"),
                name -> name.equals("stoa.home") ? work.toString() : PropertiesFile.systemPropertyOrEnvironment(name));
        properties.forEach((k, v) -> options.add(frameworkProperty(k).value(v)));
        options.add(frameworkProperty("stoa.home").value(work.toString()));
        options.add(frameworkProperty("stoa.http.port").value(Integer.toString(freePort())));
        // the shipped etc/train/clip-shapes.yaml would train for minutes in every container: only tests that ask
        options.add(frameworkProperty("stoa.train.firstStart").value(Boolean.toString(firstStartTraining())));
        options.add(systemProperty("stoa.itest.bundles").value(bundles.toString()));
        options.add(systemProperty("stoa.dist").value(System.getProperty("stoa.dist")));
        prepareDjl(work);
        options.add(frameworkStartLevel(
                Integer.parseInt(properties.getOrDefault("org.osgi.framework.startlevel.beginning", "100"))));
        options.addAll(systemBundles(dist.resolve("system")));
        options.add(junitBundles());
        options.add(cleanCaches(true));
        return options.toArray(Option[]::new);
    }

    /** Builds the bundles a test class deploys into {@code dir}. Runs outside the framework. */
    protected void buildBundles(Path dir) throws IOException {}

    // ---- helpers for the tests, which run inside the framework ----

    /** @return the folder holding the bundles {@link #buildBundles} made */
    protected static Path builtBundles() {
        return Path.of(System.getProperty("stoa.itest.bundles"));
    }

    /** @return the watched deploy folder */
    protected Path deployDir() {
        return Path.of(context.getProperty("stoa.deploy.dir"));
    }

    /**
     * Copies a jar into deploy/ atomically (written beside, then moved), as a careful user or tool would, so the
     * watcher never sees half a file.
     */
    protected Path deploy(Path jar, String name) throws IOException {
        Path tmp = deployDir().resolveSibling(name + ".part");
        Files.copy(jar, tmp, StandardCopyOption.REPLACE_EXISTING);
        Path target = deployDir().resolve(name);
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return target;
    }

    /** Waits for a service of the given type and returns it. */
    protected <T> T service(Class<T> type) throws InterruptedException {
        ServiceTracker<T, T> tracker = new ServiceTracker<>(context, type, null);
        tracker.open();
        T service = tracker.waitForService(WAIT_MS);
        assertNotNull("no " + type.getName() + " service within " + WAIT_MS + " ms", service);
        return service;
    }

    /** Waits until a condition holds, or fails naming it. */
    protected static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MS);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out after " + WAIT_MS + " ms waiting for: " + what);
            }
            Thread.sleep(50);
        }
    }

    /** GETs a path of the gateway and returns the response. */
    protected HttpResponse<String> http(String path) throws IOException, InterruptedException {
        HttpClient client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        HttpRequest request = withKey(HttpRequest.newBuilder(URI.create(baseUrl() + path)))
                .timeout(Duration.ofSeconds(30))
                .GET()
                .build();
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** @return the HTTP status of a GET, or -1 while the gateway does not answer */
    protected int status(String path) {
        try {
            return http(path).statusCode();
        } catch (IOException | InterruptedException e) {
            return -1;
        }
    }

    /** POSTs a body to a path of the gateway and returns the response. */
    protected HttpResponse<String> httpPost(String path, String body) throws IOException, InterruptedException {
        HttpClient client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        HttpRequest request = withKey(HttpRequest.newBuilder(URI.create(baseUrl() + path)))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /**
     * @return the local operator's admin key, which the gateway generates into {@code data/local-admin.key} and
     *     {@code bin/stoa} sends, or {@code null} before it exists
     */
    protected String adminKey() {
        try {
            Path file = Path.of(context.getProperty("stoa.home"), "data", "local-admin.key");
            return Files.exists(file) ? Files.readString(file).strip() : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** Adds the local operator's key, as {@code bin/stoa} does on this machine. */
    protected HttpRequest.Builder withKey(HttpRequest.Builder request) {
        String key = adminKey();
        return key == null ? request : request.header("Authorization", "Bearer " + key);
    }

    /** @return {@code http://127.0.0.1:<port>} of this framework's gateway */
    protected String baseUrl() {
        return "http://127.0.0.1:" + context.getProperty("stoa.http.port");
    }

    /** @return the bundle of the platform with this symbolic name, or fails */
    protected org.osgi.framework.Bundle platformBundle(String symbolicName) {
        for (org.osgi.framework.Bundle b : context.getBundles()) {
            if (symbolicName.equals(b.getSymbolicName())) {
                return b;
            }
        }
        fail("bundle " + symbolicName + " is not installed");
        return null;
    }

    // ---- configuration, outside the framework ----

    /**
     * What the launcher does before the framework starts: DJL offline with its caches in the work folder, and its
     * engines discovered now, on this thread, whose context class loader sees the engine jars (DJL's engine
     * discovery happens once per JVM and a bundle's loader would find none). The failsafe configuration opts out of
     * telemetry.
     */
    private static void prepareDjl(Path work) {
        System.setProperty("ai.djl.offline", "true");
        System.setProperty("DJL_CACHE_DIR", work.resolve("data/djl").toString());
        System.setProperty("ENGINE_CACHE_DIR", work.resolve("data/djl/engines").toString());
        ai.djl.engine.Engine.getAllEngines();
    }

    private static List<Path> libraryJars(Path lib) throws IOException {
        try (Stream<Path> files = Files.list(lib)) {
            // the framework and the launcher are the test JVM's own business here, as on bin/stoa's class path
            return files.filter(f -> f.getFileName().toString().endsWith(".jar"))
                    .filter(f -> !f.getFileName().toString().startsWith("org.apache.felix.framework"))
                    .filter(f -> !f.getFileName().toString().startsWith("dev.stoa.launcher"))
                    .sorted()
                    .toList();
        }
    }

    private static List<Option> systemBundles(Path system) throws IOException {
        Properties levels = new Properties();
        Path startup = system.resolve("startup.properties");
        if (Files.exists(startup)) {
            try (InputStream in = Files.newInputStream(startup)) {
                levels.load(in);
            }
        }
        List<Option> options = new ArrayList<>();
        try (Stream<Path> files = Files.list(system)) {
            for (Path jar :
                    files.filter(f -> f.toString().endsWith(".jar")).sorted().toList()) {
                UrlProvisionOption option = bundle(jar.toUri().toString());
                String level = levels.getProperty(symbolicName(jar));
                if (level != null) {
                    option.startLevel(Integer.parseInt(level.trim()));
                }
                options.add(option);
            }
        }
        return options;
    }

    private static String symbolicName(Path jar) throws IOException {
        try (JarFile f = new JarFile(jar.toFile())) {
            String bsn = f.getManifest().getMainAttributes().getValue("Bundle-SymbolicName");
            return bsn == null ? "" : bsn.split(";")[0].trim();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) all.sorted(java.util.Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }

    /** @return this test's own bundle, the probe */
    protected org.osgi.framework.Bundle probe() {
        return FrameworkUtil.getBundle(getClass());
    }
}
