package dev.stoa.djl.internal;

import dev.stoa.djl.DjlRuntime;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;

/**
 * {@link DjlRuntime} once its engines are loaded: a value, nothing in it changes.
 *
 * @param engines the engines that loaded
 * @param defaultEngine one of them
 * @param engineClassLoader the class loader that loaded DJL (the launcher's)
 * @param cacheDir DJL's cache
 * @param engineCacheDir where the native libraries were extracted
 */
record LoadedDjlRuntime(
        Set<String> engines, String defaultEngine, ClassLoader engineClassLoader, Path cacheDir, Path engineCacheDir)
        implements DjlRuntime {

    LoadedDjlRuntime {
        engines = Collections.unmodifiableSet(new TreeSet<>(engines)); // sorted: logs and service property agree
    }

    @Override
    public <T> T withEngineClassLoader(Callable<T> task) throws Exception {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(engineClassLoader);
        try {
            return task.call();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }
}
