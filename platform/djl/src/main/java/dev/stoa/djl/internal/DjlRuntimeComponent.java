package dev.stoa.djl.internal;

import ai.djl.engine.Engine;
import ai.djl.util.Utils;
import dev.stoa.djl.DjlRuntime;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads DJL's engines on a background thread and then registers {@link DjlRuntime}.
 *
 * <p>Loading PyTorch takes seconds on a cold start (its native libraries are extracted first), so it must not hold
 * up the platform's boot; and bundles that need DJL should not start before it is usable. Registering the service
 * only when the engines are loaded does both: such bundles simply {@code @Reference} DjlRuntime. That is why this
 * component registers the service itself instead of letting DS do it.
 *
 * <p>The engines load with the thread's context class loader set to DJL's: DJL reads the native-library resources
 * through it, and a bundle's class loader cannot see them.
 */
@Component(
        immediate = true,
        service = {})
public final class DjlRuntimeComponent {

    /** The engines the distribution ships: PyTorch for training, ONNX Runtime for CPU inference. */
    static final List<String> ENGINES = List.of("PyTorch", "OnnxRuntime");

    private static final Logger LOG = LoggerFactory.getLogger(DjlRuntimeComponent.class);

    private BundleContext context; // guarded by this
    private ServiceRegistration<DjlRuntime> registration; // guarded by this
    private boolean active; // guarded by this

    @Activate
    void activate(BundleContext bundleContext) {
        synchronized (this) {
            this.context = bundleContext;
            this.active = true;
        }
        Thread loader = new Thread(this::loadAndRegister, "stoa-djl-engines");
        loader.setContextClassLoader(Engine.class.getClassLoader());
        // Loading natives cannot be interrupted; if the bundle stops meanwhile, the thread ends without registering
        loader.setDaemon(true);
        loader.start();
    }

    @Deactivate
    synchronized void deactivate() {
        active = false;
        if (registration != null) {
            registration.unregister();
            registration = null;
        }
    }

    private void loadAndRegister() {
        CpuKernelCheck.warning(System.getenv(), CpuKernelCheck.cpuFlags()).ifPresent(LOG::warn);
        long start = System.nanoTime();
        Set<String> loaded = ENGINES.stream().filter(EngineLoader::load).collect(Collectors.toCollection(TreeSet::new));
        if (loaded.isEmpty()) {
            LOG.error("No DJL engine loaded: DjlRuntime is not registered, and bundles that need it will not start");
            return;
        }
        DjlRuntime runtime = new LoadedDjlRuntime(
                loaded,
                defaultEngine(loaded),
                Engine.class.getClassLoader(),
                Utils.getCacheDir(),
                Utils.getEngineCacheDir());
        if (register(runtime)) {
            LOG.info(
                    "DJL ready in {} ms: engines {}, default {}",
                    (System.nanoTime() - start) / 1_000_000,
                    loaded,
                    runtime.defaultEngine());
        }
    }

    /** @return false when the component was deactivated while the engines loaded */
    private synchronized boolean register(DjlRuntime runtime) {
        if (!active) {
            return false;
        }
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put(DjlRuntime.ENGINES, runtime.engines().toArray(new String[0]));
        registration = context.registerService(DjlRuntime.class, runtime, properties);
        return true;
    }

    /** DJL's default when it loaded; else the first loaded engine in {@link #ENGINES} order. */
    private static String defaultEngine(Set<String> loaded) {
        String djlDefault = Engine.getDefaultEngineName();
        return loaded.contains(djlDefault)
                ? djlDefault
                : ENGINES.stream().filter(loaded::contains).findFirst().orElseThrow();
    }
}
