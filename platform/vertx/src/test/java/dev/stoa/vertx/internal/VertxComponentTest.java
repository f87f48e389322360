package dev.stoa.vertx.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoa.api.StoaException;
import dev.stoa.vertx.internal.VertxComponent.Config;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.internal.VertxInternal;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.osgi.framework.BundleContext;

class VertxComponentTest {

    @Test
    void optionsFollowTheConfig() {
        VertxOptions options = VertxComponent.options(config(4, 3, 60, 500, false));
        assertThat(options.getWorkerPoolSize()).isEqualTo(4);
        assertThat(options.getEventLoopPoolSize()).isEqualTo(3);
        assertThat(options.getMaxWorkerExecuteTimeUnit().toSeconds(options.getMaxWorkerExecuteTime()))
                .isEqualTo(60);
        assertThat(options.getBlockedThreadCheckIntervalUnit().toMillis(options.getBlockedThreadCheckInterval()))
                .isEqualTo(500);
    }

    @Test
    void nonPositiveSizesNameTheEntry() {
        assertThatThrownBy(() -> VertxComponent.options(config(0, 2, 300, 1000, false)))
                .isInstanceOf(StoaException.class)
                .hasMessageContaining("'workerPoolSize' is 0");
    }

    /** DS never deactivates a component whose activation failed, so activation must clean up itself. */
    @Test
    void failedActivationClosesTheVertx() {
        AtomicReference<Vertx> offered = new AtomicReference<>();
        BundleContext failing = (BundleContext) Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {BundleContext.class}, (proxy, method, args) -> {
                    if (method.getName().equals("registerService")) {
                        offered.set((Vertx) args[1]);
                        throw new IllegalStateException("bundle stopped meanwhile");
                    }
                    throw new UnsupportedOperationException(method.getName());
                });

        assertThatThrownBy(() -> new VertxComponent(failing, config(1, 1, 300, 1000, false)))
                .hasMessage("bundle stopped meanwhile");
        assertThat(offered.get()).isNotNull();
        assertThat(((VertxInternal) offered.get()).closeFuture().future().isComplete())
                .isTrue();
    }

    @Test
    void createdVertxServesRequests() throws Exception {
        Vertx vertx = VertxComponent.create(VertxComponent.options(config(1, 1, 300, 1000, false)));
        try {
            vertx.eventBus().consumer("stoa.test.ping", m -> m.reply("pong"));
            Object answer = vertx.eventBus()
                    .request("stoa.test.ping", "ping")
                    .toCompletionStage()
                    .toCompletableFuture()
                    .get(10, TimeUnit.SECONDS)
                    .body();
            assertThat(answer).isEqualTo("pong");
        } finally {
            VertxComponent.close(vertx);
        }
    }

    private static Config config(
            int workers, int eventLoops, long maxWorkerSeconds, long checkMillis, boolean clustered) {
        return config(Map.of(
                "workerPoolSize",
                workers,
                "eventLoopPoolSize",
                eventLoops,
                "maxWorkerExecuteTime",
                maxWorkerSeconds,
                "blockedThreadCheckInterval",
                checkMillis,
                "clustered",
                clustered));
    }

    /** The configuration as DS would hand it over: the given entries (by method name), defaults for the rest. */
    static Config config(Map<String, Object> entries) {
        return (Config) Proxy.newProxyInstance(
                VertxComponentTest.class.getClassLoader(), new Class<?>[] {Config.class}, (proxy, method, args) -> {
                    if (method.getName().equals("annotationType")) {
                        return Config.class;
                    }
                    Object value = entries.get(method.getName());
                    return value != null ? value : method.getDefaultValue();
                });
    }
}
