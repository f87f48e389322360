package dev.stoa.djl.internal;

import ai.djl.engine.Engine;
import java.util.Map;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads one DJL engine, which means loading its native libraries (extracting them into the engine cache on the
 * first run), and says what to do when that fails. Call it with the context class loader set to DJL's: the engines
 * read their native-library resources through it.
 */
final class EngineLoader {

    private static final Logger LOG = LoggerFactory.getLogger(EngineLoader.class);

    /** What each engine needs in lib/, for the error message when it is missing. */
    private static final Map<String, String> REQUIRED_JARS = Map.of(
            "PyTorch",
                    "ai.djl.pytorch:pytorch-engine, ai.djl.pytorch:pytorch-jni and "
                            + "ai.djl.pytorch:pytorch-native-cpu (classifier linux-x86_64)",
            "OnnxRuntime",
                    "ai.djl.onnxruntime:onnxruntime-engine and com.microsoft.onnxruntime:onnxruntime "
                            + "(with ai/onnxruntime/native/linux-x64)");

    private EngineLoader() {}

    /**
     * @param name the engine's DJL name, e.g. {@code PyTorch}
     * @return whether it loaded; a failure is logged with the fix
     */
    static boolean load(String name) {
        if (!Engine.hasEngine(name)) {
            LOG.error(
                    "DJL engine {} not found: lib/ must hold {} (engines found: {})",
                    name,
                    requiredJars(name),
                    new TreeSet<>(Engine.getAllEngines()));
            return false;
        }
        long start = System.nanoTime();
        try {
            Engine engine = Engine.getEngine(name);
            LOG.info(
                    "DJL engine {} {} loaded in {} ms",
                    name,
                    engine.getVersion(),
                    (System.nanoTime() - start) / 1_000_000);
            return true;
        } catch (RuntimeException | LinkageError e) {
            // LinkageError: UnsatisfiedLinkError from a native library that is missing or built for another platform
            LOG.error(
                    "DJL engine {} failed to load: {}. It needs {} in lib/; DJL runs offline and will not download"
                            + " them.",
                    name,
                    e,
                    requiredJars(name));
            LOG.debug("DJL engine {} failure", name, e);
            return false;
        }
    }

    private static String requiredJars(String name) {
        return REQUIRED_JARS.getOrDefault(name, "the engine's jars");
    }
}
