package dev.stoa.bus.internal;

import dev.stoa.api.ServiceProperties;
import dev.stoa.api.StoaService;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Map;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;

/**
 * Stand-in for an OSGi registry entry: only what {@link Endpoint} reads (properties, ordering), so tests and the
 * benchmarks can drive an endpoint on a real Vert.x event bus without a framework; the itests run the same path in
 * Felix. Shared through this module's test-jar.
 *
 * @param serviceId the {@code service.id}; a higher one ranks lower, as a newer registration does in OSGi
 * @param id the {@code stoa.id}
 * @param extra further service properties, e.g. {@code stoa.max.in.flight}
 */
public record StandInReference(long serviceId, String id, Map<String, Object> extra)
        implements ServiceReference<StoaService<Object, Object>> {

    /** A registration with only {@code service.id} and {@code stoa.id}. */
    public StandInReference(long serviceId, String id) {
        this(serviceId, id, Map.of());
    }

    /**
     * A registration of a service with further service properties.
     *
     * @param extra the properties, e.g. {@code stoa.max.in.flight}
     * @return a provider for {@link Endpoint#add}
     */
    @SuppressWarnings("unchecked")
    public static Provider provider(long serviceId, String id, StoaService<?, ?> service, Map<String, Object> extra) {
        return new Provider(new StandInReference(serviceId, id, extra), (StoaService<Object, Object>) service);
    }

    /**
     * A registration of a service.
     *
     * @param serviceId its {@code service.id}
     * @param service the instance
     * @return a provider for {@link Endpoint#add}
     */
    @SuppressWarnings("unchecked")
    public static Provider provider(long serviceId, String id, StoaService<?, ?> service) {
        return new Provider(new StandInReference(serviceId, id), (StoaService<Object, Object>) service);
    }

    @Override
    public Object getProperty(String key) {
        if (extra.containsKey(key)) {
            return extra.get(key);
        }
        return Map.of("service.id", serviceId, ServiceProperties.ID, id).get(key);
    }

    @Override
    public String[] getPropertyKeys() {
        return new String[] {"service.id", ServiceProperties.ID};
    }

    @Override
    public Bundle getBundle() {
        return null;
    }

    @Override
    public Bundle[] getUsingBundles() {
        return null;
    }

    @Override
    public boolean isAssignableTo(Bundle bundle, String className) {
        return true;
    }

    @Override
    public int compareTo(Object other) {
        // newer registrations rank lower, as in OSGi: compare by id, reversed
        return Long.compare(((StandInReference) other).serviceId, serviceId);
    }

    @Override
    public Dictionary<String, Object> getProperties() {
        return new Hashtable<>(Map.of("service.id", serviceId, ServiceProperties.ID, id));
    }

    @Override
    public <A> A adapt(Class<A> type) {
        return null;
    }
}
