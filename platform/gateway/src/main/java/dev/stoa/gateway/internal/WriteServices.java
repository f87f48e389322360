package dev.stoa.gateway.internal;

import dev.stoa.api.ServiceProperties;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;

/**
 * Which services change state: those registered with {@link ServiceProperties#WRITES} {@code = true}, looked up in
 * the OSGi service registry at each call, so a service that comes, goes or is replaced is judged as it is now. A
 * service of another node of a cluster is not in this registry: it counts as a write only if a local service of the
 * same id declares it (documented in the gateway's README).
 */
final class WriteServices {

    private final BundleContext context;

    WriteServices(BundleContext context) {
        this.context = context;
    }

    /** @return whether a service or pipeline with this {@code stoa.id} declares that it writes */
    boolean writes(String id) {
        if (id == null || id.isEmpty()) {
            return false;
        }
        try {
            ServiceReference<?>[] refs = context.getServiceReferences(
                    (String) null,
                    "(&(" + ServiceProperties.ID + "=" + escape(id) + ")(" + ServiceProperties.WRITES + "=true))");
            return refs != null && refs.length > 0;
        } catch (InvalidSyntaxException e) {
            return true; // cannot tell: the stricter answer
        } catch (IllegalStateException stopping) {
            return true;
        }
    }

    /**
     * @param address an event-bus address, {@code stoa.<kind>.<id>}
     * @return the id in it, or {@code null} when it is not a Stoa service's address
     */
    static String idOf(String address) {
        if (address == null || !address.startsWith(ServiceProperties.ADDRESS_PREFIX)) {
            return null;
        }
        String rest = address.substring(ServiceProperties.ADDRESS_PREFIX.length());
        int dot = rest.indexOf('.');
        return dot <= 0 || dot == rest.length() - 1 ? null : rest.substring(dot + 1);
    }

    /** Escapes the characters an LDAP filter value may not hold bare. */
    static String escape(String value) {
        StringBuilder out = new StringBuilder(value.length());
        for (char c : value.toCharArray()) {
            if (c == '\\' || c == '*' || c == '(' || c == ')') {
                out.append('\\');
            }
            out.append(c);
        }
        return out.toString();
    }
}
