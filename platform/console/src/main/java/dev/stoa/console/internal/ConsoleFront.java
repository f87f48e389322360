package dev.stoa.console.internal;

import dev.stoa.gateway.api.HttpRoutes;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The web console as a front-end of the gateway, mounted at {@code /console}: the single-page app's files, built by
 * npm into this bundle's {@code console/} folder ({@link ConsoleFiles}, {@link ConsoleRouter}). The app itself talks
 * to the gateway's own API ({@code /v1/...}, {@code /health/...}) with the API key the user enters.
 */
@Component(service = HttpRoutes.class, immediate = true)
public final class ConsoleFront implements HttpRoutes {

    /** Where the console is served: {@code http://host:port/console/}. */
    static final String BASE_PATH = "/console";

    /** The resource folder of this bundle that holds the built app. */
    static final String ROOT = "console";

    private static final Logger LOG = LoggerFactory.getLogger(ConsoleFront.class);

    private final ConsoleFiles files = new ConsoleFiles(ConsoleFront.class.getClassLoader(), ROOT);

    @Activate
    public ConsoleFront() {
        if (files.lookup("") instanceof ConsoleFiles.Missing m) {
            LOG.error("web console: {} is missing from the bundle", m.path());
        } else {
            LOG.info("web console at {}/", BASE_PATH);
        }
    }

    @Override
    public String basePath() {
        return BASE_PATH;
    }

    @Override
    public Router router(Vertx vertx) {
        return new ConsoleRouter(files).router(vertx);
    }
}
