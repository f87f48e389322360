package dev.stoa.api;

/**
 * Names of the OSGi service properties that make a service part of Stoa.
 *
 * <p>A service registered with {@link #ID} is exported on the event bus at
 * {@code stoa.<kind>.<id>} (see {@link #address(String, String)}), listed by the gateway, and can be
 * named by pipeline and training files.
 */
public final class ServiceProperties {

    /** The service's name in configs and on the bus, e.g. {@code clip-vit-tiny}. Required. */
    public static final String ID = "stoa.id";

    /** What the service is: one of {@link ServiceKind}'s names, e.g. {@code encoder}. Defaults to {@code service}. */
    public static final String KIND = "stoa.kind";

    /** The service's own version (of its weights or behaviour), e.g. {@code 1.2.0}. Optional. */
    public static final String VERSION = "stoa.version";

    /**
     * {@code true} (a Boolean or the string "true") on a service that changes state (adds, replaces or deletes data,
     * e.g. a vector store's upsert and delete): the gateway and the bridge call it only for a key with the
     * {@code write} scope ({@link dev.stoa.api.security.Authenticator#WRITE}). Absent means the service only reads.
     */
    public static final String WRITES = "stoa.writes";

    /**
     * The pixel budget of a service that takes an {@link dev.stoa.api.data.Image}: an image sent as JSON (base64) with
     * more pixels is decoded subsampled to fit ({@link dev.stoa.api.data.Image#decode(byte[], long)}). A number, or a
     * string of one; defaults to {@link dev.stoa.api.data.Image#DEFAULT_MAX_PIXELS}. Size it to what the model uses.
     */
    public static final String IMAGE_MAX_PIXELS = "stoa.image.maxPixels";

    /** Prefix of every Stoa event-bus address. */
    public static final String ADDRESS_PREFIX = "stoa.";

    /**
     * The most calls of this service that may be in flight at once (running, or waiting for a worker thread), a
     * whole number; more are refused at once with {@link FailureCode#OVERLOADED}. Optional: the bus's
     * {@code maxInFlight} applies without it, and {@code maxInFlight.<id>} in {@code etc/dev.stoa.bus.cfg} overrides
     * both.
     */
    public static final String MAX_IN_FLIGHT = "stoa.max.in.flight";

    private ServiceProperties() {}

    /**
     * The event-bus address of a service.
     *
     * @param kind the service kind, e.g. {@code model}
     * @param id the service id, e.g. {@code clip-vit-tiny}
     * @return {@code stoa.<kind>.<id>}
     */
    public static String address(String kind, String id) {
        return ADDRESS_PREFIX + kind + "." + id;
    }

    /**
     * Checks that an id can be used in an event-bus address and a config file.
     *
     * @param id the candidate id
     * @return the id
     * @throws StoaException with {@link FailureCode#BAD_CONFIG} naming the rule that failed
     */
    public static String requireValidId(Object id) {
        if (!(id instanceof String s) || s.isEmpty()) {
            throw new StoaException(
                    FailureCode.BAD_CONFIG,
                    "service property '" + ID + "' must be a non-empty string, was " + id
                            + "; set it to a name such as 'clip-vit-tiny'");
        }
        if (!s.matches("[a-z0-9][a-z0-9._-]{0,127}")) {
            throw new StoaException(
                    FailureCode.BAD_CONFIG,
                    "service property '" + ID + "' is '" + s + "'; use lower-case letters, digits, '.', '_' or '-'"
                            + " (at most 128, starting with a letter or digit)");
        }
        return s;
    }
}
