package dev.stoa.api;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** What a Stoa service is; the value of {@link ServiceProperties#KIND} and the middle of its bus address. */
public enum ServiceKind {
    /** Turns one modality into vectors or tokens (ViT, text transformer, sentence encoder). */
    ENCODER,
    /** A composed model with its own inference operations (CLIP, ClipCap, OCR). */
    MODEL,
    /** A training objective (contrastive, captioning). */
    LOSS,
    /** A source of training or evaluation examples. */
    DATASET,
    /** A composition of services defined by a pipeline file. */
    PIPELINE,
    /** A vector or document store. */
    STORE,
    /** Anything else callable. */
    SERVICE;

    /** @return the lower-case name used in properties, configs and addresses */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses a kind as written in a service property or config.
     *
     * @param value the value, e.g. {@code "encoder"}; {@code null} means {@link #SERVICE}
     * @return the kind
     * @throws StoaException with {@link FailureCode#BAD_CONFIG} listing the accepted values
     */
    public static ServiceKind parse(Object value) {
        if (value == null) {
            return SERVICE;
        }
        String s = value.toString().trim().toUpperCase(Locale.ROOT);
        for (ServiceKind k : values()) {
            if (k.name().equals(s)) {
                return k;
            }
        }
        throw new StoaException(
                FailureCode.BAD_CONFIG,
                "'" + ServiceProperties.KIND + "' is '" + value + "'; use one of "
                        + Arrays.stream(values()).map(ServiceKind::id).collect(Collectors.joining(", ")));
    }
}
