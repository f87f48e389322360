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
 */
public record ExportedService(String id, String kind, String version, String address, String inputType,
        String outputType, String bundle, long bundleId, String state, long inFlight, long calls, long failures) {
}
