package dev.stoa.api.model;

import dev.stoa.api.StoaService;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One service an opened model offers. The repository registers it as an OSGi service under {@link StoaService} and
 * every interface of the service's class that extends it (e.g. {@code TextEncoder}, {@code TextGenerator}), with
 * {@code stoa.id}, {@code stoa.kind}, the model's id and version, and {@link #properties()}.
 *
 * @param id the service's {@code stoa.id}, e.g. {@code clip-tiny-image}
 * @param kind the service's {@code stoa.kind}, e.g. {@code encoder}
 * @param service the service object; thread-safe
 * @param properties further service properties (e.g. {@code embedding.dimension}); may be empty
 * @param warmUpInput an input the repository calls the service with once before registering it, so the first real
 *     call does not pay for lazy initialisation (PyTorch's first forward pass); {@code null} for none
 */
public record ModelService(
        String id, String kind, StoaService<?, ?> service, Map<String, Object> properties, Object warmUpInput) {

    public ModelService {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(service, "service");
        properties = Map.copyOf(properties == null ? Map.of() : properties);
    }

    /**
     * @param id the service's {@code stoa.id}
     * @param kind the service's {@code stoa.kind}
     * @param service the service object
     * @return a service with no extra properties and no warm-up
     */
    public static ModelService of(String id, String kind, StoaService<?, ?> service) {
        return new ModelService(id, kind, service, Map.of(), null);
    }

    /**
     * @param key a property name
     * @param value its value
     * @return this service with that property added
     */
    public ModelService withProperty(String key, Object value) {
        Map<String, Object> p = new LinkedHashMap<>(properties);
        p.put(key, value);
        return new ModelService(id, kind, service, p, warmUpInput);
    }

    /**
     * @param input the input of the warm-up call
     * @return this service with that warm-up input
     */
    public ModelService withWarmUp(Object input) {
        return new ModelService(id, kind, service, properties, input);
    }
}
