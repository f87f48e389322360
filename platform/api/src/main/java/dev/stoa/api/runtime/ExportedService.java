package dev.stoa.api.runtime;

/**
 * A Stoa service as the event bus exports it.
 *
 * @param id the service's {@code stoa.id}
 * @param kind the service's {@code stoa.kind}
 * @param version the service's {@code stoa.version}, or {@code null}
 * @param address the event-bus address, {@code stoa.<kind>.<id>}
 * @param inputType simple name of the type the service accepts (e.g. {@code Text}, {@code Image}, {@code JsonObject})
 * @param outputType simple name of the type it returns
 * @param bundle symbolic name of the bundle that provides it now, or of the last one while it is away
 * @param bundleId id of that bundle
 * @param state {@code available}, {@code swapping} (between an old and a new provider: calls wait) or {@code gone}
 *        (its bundle was uninstalled: calls fail with {@code SERVICE_GONE})
 * @param inFlight calls running now
 * @param calls calls completed since the platform started
 * @param failures calls failed since the platform started
 * @param node {@code null} for a service of this node; for a service that another node of a cluster serves, that
 *        node's Vert.x node id (calls to {@link #address()} reach it over the clustered event bus, and its counters
 *        are that node's)
 */
public record ExportedService(
        String id,
        String kind,
        String version,
        String address,
        String inputType,
        String outputType,
        String bundle,
        long bundleId,
        String state,
        long inFlight,
        long calls,
        long failures,
        String node) {

    /** A service of this node. */
    public ExportedService(
            String id,
            String kind,
            String version,
            String address,
            String inputType,
            String outputType,
            String bundle,
            long bundleId,
            String state,
            long inFlight,
            long calls,
            long failures) {
        this(
                id,
                kind,
                version,
                address,
                inputType,
                outputType,
                bundle,
                bundleId,
                state,
                inFlight,
                calls,
                failures,
                null);
    }

    /** @return {@code true} when another node of the cluster serves this entry */
    public boolean remote() {
        return node != null;
    }
}
