package dev.stoa.djl.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LoadedDjlRuntimeTest {

    private final ClassLoader djlLoader = new URLClassLoader(new URL[0], null);
    private final LoadedDjlRuntime runtime =
            new LoadedDjlRuntime(Set.of("PyTorch"), "PyTorch", djlLoader, Path.of("cache"), Path.of("engines"));

    @Test
    void runsTaskWithDjlsClassLoaderAndRestoresTheCallers() throws Exception {
        ClassLoader callers = Thread.currentThread().getContextClassLoader();

        ClassLoader seen =
                runtime.withEngineClassLoader(() -> Thread.currentThread().getContextClassLoader());

        assertThat(seen).isSameAs(djlLoader);
        assertThat(Thread.currentThread().getContextClassLoader()).isSameAs(callers);
    }

    @Test
    void restoresTheCallersClassLoaderWhenTheTaskFails() {
        ClassLoader callers = Thread.currentThread().getContextClassLoader();

        assertThatThrownBy(() -> runtime.withEngineClassLoader(() -> {
                    throw new IllegalStateException("model not found");
                }))
                .hasMessage("model not found");
        assertThat(Thread.currentThread().getContextClassLoader()).isSameAs(callers);
    }
}
