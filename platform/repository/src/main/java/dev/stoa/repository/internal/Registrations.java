package dev.stoa.repository.internal;

import dev.stoa.api.ServiceProperties;
import dev.stoa.api.StoaService;
import dev.stoa.api.model.ModelRepository;
import dev.stoa.api.model.ModelService;
import java.util.Hashtable;
import java.util.List;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;

/**
 * How a model's services are registered: with the provider's bundle context (so {@code /v1/services} names the model
 * bundle and its services go with it), under {@link StoaService} and every interface of the service that extends it,
 * with {@code stoa.id}, {@code stoa.kind}, the model's id and version, and {@code service.ranking} = the version.
 */
final class Registrations {

    private Registrations() {}

    /**
     * Registers every service of a loaded version.
     *
     * @param e the model
     * @param lv the version
     * @param versioned {@code true}: under {@code <id>.v<n>}; {@code false}: under the model's plain service ids
     */
    static void register(ModelEntry e, LoadedVersion lv, boolean versioned) {
        List<ServiceRegistration<?>> into = versioned ? lv.versioned : lv.serving;
        for (ModelService s : lv.model.services()) {
            String id = versioned ? LoadedVersion.versionedId(s.id(), lv.number) : s.id();
            into.add(register(e, s, s.service(), id, lv.number));
        }
    }

    /**
     * @param e the model
     * @param s the service as the provider described it
     * @param object what to register: the service, or its untrained stand-in
     * @param id the {@code stoa.id} to register it under
     * @param version the store version, 0 for a stand-in
     * @return the registration
     */
    static ServiceRegistration<?> register(ModelEntry e, ModelService s, Object object, String id, int version) {
        Hashtable<String, Object> p = new Hashtable<>(s.properties());
        p.put(ServiceProperties.ID, id);
        p.put(ServiceProperties.KIND, s.kind());
        p.put(ServiceProperties.VERSION, "1.0." + version);
        p.put(ModelRepository.MODEL_PROPERTY, e.id);
        p.put(ModelRepository.MODEL_VERSION_PROPERTY, version);
        // the bus prefers the highest ranking: during a swap, the newer version of two registered under one id
        p.put(Constants.SERVICE_RANKING, version);
        return e.provider.context().registerService(ServiceTypes.names(s.service()), object, p);
    }
}
