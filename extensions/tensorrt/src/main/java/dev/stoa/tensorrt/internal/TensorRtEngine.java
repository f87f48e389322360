package dev.stoa.tensorrt.internal;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import dev.stoa.api.engine.EngineOptions;
import dev.stoa.api.engine.EngineSession;
import dev.stoa.api.engine.InferenceEngine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link InferenceEngine} {@code tensorrt}: ONNX graphs built into TensorRT engines and run on a CUDA GPU.
 *
 * <p>Registered everywhere. Where TensorRT or CUDA is missing it is unavailable and says why
 * ({@link #unavailableReason()}): first the required libraries are looked for by file name ({@link LibraryProbe}),
 * then, if all are found, loaded ({@link JavaCppBackend}); a failure of either is reported with the library, the
 * folders searched and the fix, never thrown at the framework. Nothing of the JavaCPP presets is touched before the
 * libraries are found, and this class refers to them only through {@link Backend}.
 *
 * <p>{@link #open} takes a built engine from the cache ({@link EngineCache}, keyed by {@link EngineCacheKey}) or builds
 * and stores one; a cached engine that no longer deserializes is rebuilt.
 */
@Component(
        service = InferenceEngine.class,
        configurationPid = "dev.stoa.tensorrt",
        property = InferenceEngine.NAME_PROPERTY + "=" + TensorRtEngine.NAME)
@Designate(ocd = TensorRtEngine.Config.class)
public final class TensorRtEngine implements InferenceEngine {

    private static final Logger LOG = LoggerFactory.getLogger(TensorRtEngine.class);

    /** The engine's name. */
    public static final String NAME = "tensorrt";

    /** Settings, PID {@code dev.stoa.tensorrt} ({@code etc/dev.stoa.tensorrt.cfg}). */
    @ObjectClassDefinition(name = "Stoa engine: TensorRT")
    public @interface Config {

        @AttributeDefinition(
                description = "Folders holding libnvinfer.so.11, libnvinfer_plugin.so.11, libnvonnxparser.so.11,"
                        + " libcudart.so.13 (and libcuda.so.1, if not in a system folder), separated by ':'; searched"
                        + " before LD_LIBRARY_PATH and the system folders")
        String libraryPath() default "";

        @AttributeDefinition(description = "Where built engines are kept; relative to stoa.home")
        String cacheDir() default "data/tensorrt-cache";

        @AttributeDefinition(
                description = "Execution contexts per opened graph (each with its own CUDA stream and pinned buffers):"
                        + " how many runs of one graph may be on the GPU at once")
        int instances() default 2;

        @AttributeDefinition(description = "The CUDA device's index (nvidia-smi lists them)")
        int device() default 0;

        @AttributeDefinition(description = "The builder's workspace limit in MiB; 0 for TensorRT's default")
        long workspaceMiB() default 0;
    }

    private final Settings settings;
    private final EngineCache cache;
    private final Optional<String> unavailable;
    private final Backend backend;
    private final Map<String, Object> buildLocks = new ConcurrentHashMap<>();

    /**
     * Probes for TensorRT and loads it where present.
     *
     * @param context the bundle's context, for {@code stoa.home}
     * @param config the settings
     */
    @Activate
    public TensorRtEngine(BundleContext context, Config config) {
        this(settings(context.getProperty("stoa.home"), config));
    }

    /**
     * @param settings the settings
     */
    TensorRtEngine(Settings settings) {
        this(settings, LibraryProbe.folders(settings.libraryPath()));
    }

    /**
     * @param settings the settings
     * @param folders where to look for the libraries, in order
     */
    TensorRtEngine(Settings settings, List<Path> folders) {
        this.settings = settings;
        this.cache = new EngineCache(settings.cacheDir());
        LibraryProbe.Result probe = LibraryProbe.probe(folders);
        Backend loaded = null;
        Optional<String> reason = probe.reason();
        if (reason.isEmpty()) {
            try {
                loaded = JavaCppBackend.load(probe.found(), settings.device());
            } catch (LinkageError e) {
                // UnsatisfiedLinkError from the loader (a library that is there but does not load, or one of its own
                // dependencies missing), NoClassDefFoundError where the presets are not on the class path
                reason = Optional.of(loadFailure(probe, e));
            } catch (StoaException e) {
                reason = Optional.of(e.getMessage());
            } catch (RuntimeException e) {
                reason = Optional.of("TensorRT did not start: " + e);
            }
        }
        this.backend = loaded;
        this.unavailable = reason;
        if (reason.isPresent()) {
            LOG.info("TensorRT engine '{}' is unavailable: {}", NAME, reason.get());
        } else {
            LOG.info(
                    "TensorRT engine '{}': TensorRT {} on {} (compute capability {}), engines cached in {}",
                    NAME,
                    loaded.tensorRtVersion(),
                    loaded.deviceName(),
                    loaded.computeCapability(),
                    settings.cacheDir());
        }
    }

    static Settings settings(String stoaHome, Config config) {
        Path cacheDir = Path.of(config.cacheDir());
        if (!cacheDir.isAbsolute() && stoaHome != null) {
            cacheDir = Path.of(stoaHome).resolve(cacheDir);
        }
        return new Settings(config.libraryPath(), cacheDir, config.instances(), config.device(), config.workspaceMiB());
    }

    /** The loader's error, with the libraries found and the fix, as the probe's reasons read. */
    static String loadFailure(LibraryProbe.Result probe, Throwable e) {
        StringBuilder found = new StringBuilder();
        probe.found()
                .forEach((name, file) ->
                        found.append(found.length() == 0 ? "" : ", ").append(file));
        String message = e.getMessage() == null ? e.toString() : e.getMessage();
        String library = LibraryProbe.REQUIRED.stream()
                .filter(message::contains)
                .findFirst()
                .orElse("libnvinfer.so.11");
        return "TensorRT's libraries were found (" + found + ") but did not load: "
                + e.getClass().getSimpleName()
                + ": " + message + "; searched " + LibraryProbe.folders(probe.searched()) + " ("
                + LibraryProbe.fix(library) + "; all must be TensorRT 11 / CUDA 13 builds for x86_64, with their own"
                + " dependencies, such as libcublas.so.13, in the same folders)";
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Optional<String> unavailableReason() {
        return unavailable;
    }

    /** @return where engines are cached */
    Path cacheDir() {
        return cache.folder();
    }

    /** @return the loaded backend, or fails with the reason it is unavailable */
    Backend backend() {
        if (backend == null) {
            throw new StoaException(
                    FailureCode.UNAVAILABLE, NAME + " unavailable: " + unavailable.orElse("not loaded"));
        }
        return backend;
    }

    @Override
    public EngineSession open(Path graph, EngineOptions options) throws Exception {
        Backend b = backend();
        if (graph == null || !Files.isRegularFile(graph)) {
            throw StoaException.badInput(
                    "graph", graph + " is not a file; export the model's ONNX graph first (bin/stoa export)");
        }
        Precision precision = Precision.of("precision", options.precision());
        String key = EngineCacheKey.of(
                EngineCacheKey.sha256(graph),
                b.tensorRtVersion(),
                b.computeCapability(),
                precision,
                ProfileShapes.describe(options, settings.instances()));
        synchronized (buildLocks.computeIfAbsent(key, k -> new Object())) {
            Optional<Path> cached = cache.lookup(key);
            if (cached.isPresent()) {
                try {
                    EngineSession session = b.open(cached.get(), settings.instances());
                    LOG.info("TensorRT: {} ({}) from the cache, {}", graph, precision.label(), cached.get());
                    return session;
                } catch (Backend.StaleEngineException e) {
                    LOG.warn(
                            "TensorRT: cached engine {} does not load ({}); rebuilding it",
                            cached.get(),
                            e.getMessage());
                    cache.evict(key);
                }
            }
            long start = System.nanoTime();
            Path file = cache.store(
                    key,
                    out -> b.build(
                            graph, precision, options, settings.instances(), settings.workspaceMiB() << 20, out));
            LOG.info(
                    "TensorRT: built {} ({}, {}) in {} ms into {}",
                    graph,
                    precision.label(),
                    ProfileShapes.describe(options, settings.instances()),
                    (System.nanoTime() - start) / 1_000_000,
                    file);
            return b.open(file, settings.instances());
        }
    }
}
