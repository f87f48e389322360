package dev.stoa.retrieval.internal;

import dev.stoa.api.AsyncStoaService;
import dev.stoa.api.FailureCode;
import dev.stoa.api.ServiceKind;
import dev.stoa.api.ServiceProperties;
import dev.stoa.api.StoaException;
import dev.stoa.api.StoaService;
import dev.stoa.api.runtime.ServiceDirectory;
import dev.stoa.api.vector.VectorChecks;
import dev.stoa.api.vector.VectorMetric;
import dev.stoa.api.vector.VectorStores;
import dev.stoa.vertx.AsyncJsonService;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One retrieval collection per factory configuration {@value RetrievalConfig#FACTORY_PID}
 * ({@code etc/dev.stoa.retrieval-<name>.cfg}), served as two services: {@code <collection>.index} and
 * {@code <collection>.search} (see {@link Retrieval} for their JSON). The encoders and the OCR service are named by
 * {@code stoa.id} and called over the bus, so they may come, go and be replaced while this serves: a call made while
 * one is missing fails with {@code UNAVAILABLE} naming it.
 */
@Component(
        immediate = true,
        configurationPid = RetrievalConfig.FACTORY_PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = {})
@Designate(ocd = RetrievalConfig.class, factory = true)
public final class RetrievalComponent {

    private static final Logger LOG = LoggerFactory.getLogger(RetrievalComponent.class);
    private static final String FILEINSTALL_FILENAME = "felix.fileinstall.filename";

    private final List<ServiceRegistration<?>> registrations = new ArrayList<>();

    /**
     * @param context for the registrations
     * @param vertx the platform's Vert.x: its event bus reaches the encoders
     * @param directory the services on the bus, to find an encoder's address by id
     * @param stores the vector collections
     * @param config the collection's settings
     * @param properties the same, untyped, for the file they came from
     */
    @Activate
    public RetrievalComponent(
            BundleContext context,
            @Reference Vertx vertx,
            @Reference ServiceDirectory directory,
            @Reference VectorStores stores,
            RetrievalConfig config,
            Map<String, Object> properties) {
        Retrieval.Settings settings;
        try {
            settings = settings(config);
            if (config.dimension() > 0) {
                stores.open(settings.collection(), config.dimension(), settings.metric());
            }
        } catch (StoaException e) {
            Object file = properties.get(FILEINSTALL_FILENAME);
            throw new StoaException(
                    FailureCode.BAD_CONFIG,
                    "retrieval configuration " + (file != null ? file : properties.get("service.pid")) + ": "
                            + e.getMessage(),
                    e);
        }
        if (config.timeoutMs() < 1) {
            throw new StoaException(
                    FailureCode.BAD_CONFIG, "'timeoutMs' is " + config.timeoutMs() + "; use a positive number of ms");
        }
        Retrieval retrieval =
                new Retrieval(vertx, new ServiceCalls(vertx, directory, config.timeoutMs()), stores, settings);
        register(context, settings, "index", retrieval::index);
        register(context, settings, "search", retrieval::search);
        LOG.info(
                "Retrieval '{}': {}.index and {}.search (texts: {}, images: {})",
                settings.collection(),
                settings.collection(),
                settings.collection(),
                settings.textEncoder(),
                !settings.imageEncoder().isEmpty()
                        ? settings.imageEncoder()
                        : !settings.recognizer().isEmpty() ? "read by " + settings.recognizer() : "not indexed");
    }

    static Retrieval.Settings settings(RetrievalConfig config) {
        String collection = VectorChecks.name(
                config.collection() == null ? null : config.collection().trim());
        String text = config.textEncoder() == null ? "" : config.textEncoder().trim();
        if (text.isEmpty()) {
            throw new StoaException(
                    FailureCode.BAD_CONFIG,
                    "'textEncoder' is missing; name the stoa.id of a text" + " encoder, e.g. all-minilm-l6-v2");
        }
        if (config.k() < 1 || config.k() > VectorChecks.MAX_K) {
            throw new StoaException(
                    FailureCode.BAD_CONFIG, "'k' is " + config.k() + "; use 1 to " + VectorChecks.MAX_K);
        }
        return new Retrieval.Settings(
                collection,
                serviceId("textEncoder", text),
                serviceId("imageEncoder", config.imageEncoder()),
                serviceId("recognizer", config.recognizer()),
                VectorMetric.parse(config.metric()),
                config.k());
    }

    /** @return the trimmed service id a setting names, or "" when it names none */
    private static String serviceId(String setting, String id) {
        if (id == null || id.isBlank()) {
            return "";
        }
        try {
            return ServiceProperties.requireValidId(id.trim());
        } catch (StoaException e) {
            throw new StoaException(
                    FailureCode.BAD_CONFIG,
                    "'" + setting + "' is '" + id + "', which is no service"
                            + " id; use the stoa.id of a running service (lower-case letters, digits, '.', '_' or '-')");
        }
    }

    private void register(
            BundleContext context,
            Retrieval.Settings settings,
            String operation,
            Function<JsonObject, Future<JsonObject>> call) {
        Hashtable<String, Object> p = new Hashtable<>();
        p.put(ServiceProperties.ID, settings.collection() + "." + operation);
        p.put(ServiceProperties.KIND, ServiceKind.SERVICE.id());
        p.put("retrieval.collection", settings.collection());
        p.put("retrieval.textEncoder", settings.textEncoder());
        if (operation.equals("index")) {
            p.put(ServiceProperties.WRITES, true); // adds to the collection: scope 'write'
        }
        registrations.add(context.registerService(
                new String[] {StoaService.class.getName(), AsyncStoaService.class.getName()},
                AsyncJsonService.of(call),
                p));
    }

    @Deactivate
    void deactivate() {
        for (ServiceRegistration<?> r : registrations) {
            try {
                r.unregister();
            } catch (IllegalStateException alreadyGone) {
                // the framework unregisters a stopping bundle's services itself
            }
        }
    }
}
