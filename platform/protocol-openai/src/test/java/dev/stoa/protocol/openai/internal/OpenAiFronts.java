package dev.stoa.protocol.openai.internal;

import dev.stoa.api.runtime.ServiceDirectory;
import dev.stoa.gateway.api.HttpRoutes;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import java.util.List;
import java.util.Map;

/**
 * The OpenAI-compatible API on a plain class path: the same {@link OpenAiRouter} and {@link ModelCatalog} that
 * {@link OpenAiFront} mounts, over a directory given here instead of the one OSGi injects (no pipelines). A public
 * test fixture, shared through this module's test-jar (itests/benchmarks mounts it with the gateway's
 * {@code HttpFront}).
 */
public final class OpenAiFronts {

    private OpenAiFronts() {}

    /**
     * @param directory the exported services, as the bus's exporter lists them
     * @param properties the settings of {@code etc/dev.stoa.openai.cfg} (empty: every text encoder and generator is a
     *     model under its own id)
     * @return the front, mounted at {@code /openai/v1}
     */
    public static HttpRoutes of(ServiceDirectory directory, Map<String, Object> properties) {
        OpenAiSettings settings = OpenAiSettings.parse(properties);
        if (!settings.problems().isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", settings.problems()));
        }
        return new HttpRoutes() {
            @Override
            public String basePath() {
                return OpenAiFront.BASE_PATH;
            }

            @Override
            public Router router(Vertx vertx) {
                return new OpenAiRouter(
                                vertx, settings, () -> new ModelCatalog(settings, directory.services(), List.of()))
                        .router();
            }
        };
    }
}
