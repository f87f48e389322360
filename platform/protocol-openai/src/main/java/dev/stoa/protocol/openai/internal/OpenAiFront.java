package dev.stoa.protocol.openai.internal;

import dev.stoa.api.FailureCode;
import dev.stoa.api.runtime.PipelineDirectory;
import dev.stoa.api.runtime.ServiceDirectory;
import dev.stoa.gateway.api.HttpRoutes;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import java.util.List;
import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OpenAI-compatible API as a front-end of the gateway, mounted at {@code /openai/v1}
 * ({@link OpenAiRouter}), configured by {@code etc/dev.stoa.openai.cfg} ({@link OpenAiSettings}). A change of that
 * file re-creates the component, and the gateway mounts the new router in place of the old one.
 */
@Component(service = HttpRoutes.class, configurationPid = OpenAiSettings.PID, immediate = true)
public final class OpenAiFront implements HttpRoutes {

    /** Where the API is mounted: a client sets its base URL to {@code http://host:port/openai/v1}. */
    static final String BASE_PATH = "/openai/v1";

    private static final Logger LOG = LoggerFactory.getLogger(OpenAiFront.class);

    private final OpenAiSettings settings;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile ServiceDirectory directory;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile PipelineDirectory pipelines;

    @Activate
    public OpenAiFront(Map<String, Object> properties) {
        this.settings = OpenAiSettings.parse(properties);
        for (String problem : settings.problems()) {
            LOG.error("etc/{}.cfg: {}", OpenAiSettings.PID, problem);
        }
        LOG.info(
                "OpenAI-compatible API at {}: models {}{}",
                BASE_PATH,
                settings.models().keySet(),
                settings.exposeAll() ? " and every text encoder and generator by its id" : "");
    }

    @Override
    public String basePath() {
        return BASE_PATH;
    }

    @Override
    public Router router(Vertx vertx) {
        return new OpenAiRouter(vertx, settings, this::catalog).router();
    }

    /** @throws OpenAiError 503 while the bus's directory is not there (the bus is stopping or starting) */
    private ModelCatalog catalog() {
        ServiceDirectory d = directory;
        PipelineDirectory p = pipelines;
        if (d == null) {
            throw OpenAiError.of(
                    FailureCode.UNAVAILABLE,
                    "the event-bus exporter (dev.stoa.bus) is not running; " + FailureCode.UNAVAILABLE.fix(),
                    null);
        }
        return new ModelCatalog(settings, d.services(), p == null ? List.of() : p.pipelines());
    }
}
