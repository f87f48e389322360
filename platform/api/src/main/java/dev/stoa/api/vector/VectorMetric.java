package dev.stoa.api.vector;

import dev.stoa.api.StoaException;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** How a collection compares vectors; a {@link VectorHit#score()} is this similarity, higher is closer. */
public enum VectorMetric {
    /**
     * Cosine similarity {@code <a, b> / (|a| |b|)}, in [-1, 1]. Vectors are normalised to unit length when stored and
     * queried, so their length does not matter (a zero vector is refused).
     */
    COSINE,
    /** The inner product {@code <a, b>}, unbounded; vectors are stored as given (for models trained with it). */
    DOT_PRODUCT;

    /** @return the lower-case name used in configs and JSON, {@code cosine} or {@code dot_product} */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses a metric as written in a config or request.
     *
     * @param value {@code cosine} or {@code dot_product} (any case, {@code -} for {@code _}); {@code null} means cosine
     * @return the metric
     * @throws StoaException {@code BAD_INPUT} naming 'metric' and the accepted values
     */
    public static VectorMetric parse(String value) {
        if (value == null || value.isBlank()) {
            return COSINE;
        }
        String s = value.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        for (VectorMetric m : values()) {
            if (m.name().equals(s)) {
                return m;
            }
        }
        throw StoaException.badInput(
                "metric",
                "is '" + value + "'; use one of "
                        + Arrays.stream(values()).map(VectorMetric::id).collect(Collectors.joining(", ")));
    }
}
