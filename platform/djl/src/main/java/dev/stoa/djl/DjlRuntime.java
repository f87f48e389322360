package dev.stoa.djl;

import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.Callable;
import org.osgi.annotation.versioning.ProviderType;

/**
 * DJL with its engines loaded. Registered as an OSGi service only after the engines' native libraries are loaded,
 * so a component that {@code @Reference}s it can create models and NDArrays at once. Its {@value #ENGINES} service
 * property lists the engines, so a component can wait for a particular one:
 * {@code @Reference(target = "(djl.engines=OnnxRuntime)")}.
 */
@ProviderType
public interface DjlRuntime {

    /** Service property: the names of the loaded engines ({@code String[]}), as {@link #engines()} returns them. */
    String ENGINES = "djl.engines";

    /** @return the engines that loaded, e.g. {@code PyTorch}, {@code OnnxRuntime}; never empty */
    Set<String> engines();

    /**
     * @return the engine to use when a caller names none: DJL's default ({@code DJL_DEFAULT_ENGINE}, else the
     *         best-ranked engine) if it loaded, else another loaded one. Pass it to
     *         {@code Engine.getEngine(name)}; {@code Engine.getInstance()} ignores whether the default loaded.
     */
    String defaultEngine();

    /**
     * Runs code with the thread's context class loader set to the one that loaded DJL. DJL looks up engines,
     * model zoos and native-library resources through the context class loader; on a bundle's thread that loader
     * does not see them. Wrap calls that load models or translators in it.
     *
     * @param task the code to run
     * @param <T> the task's result type
     * @return what the task returns
     * @throws Exception what the task throws
     */
    <T> T withEngineClassLoader(Callable<T> task) throws Exception;

    /** @return DJL's cache ({@code DJL_CACHE_DIR}): model zoo downloads and extracted models */
    Path cacheDir();

    /** @return where DJL extracts the engines' native libraries ({@code ENGINE_CACHE_DIR}) */
    Path engineCacheDir();
}
