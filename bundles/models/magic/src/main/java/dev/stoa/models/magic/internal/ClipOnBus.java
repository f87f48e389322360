package dev.stoa.models.magic.internal;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import dev.stoa.api.data.Embedding;
import dev.stoa.api.data.Image;
import dev.stoa.api.data.Text;
import dev.stoa.api.runtime.ServiceCaller;
import dev.stoa.api.service.TextEncoder;
import java.util.List;
import java.util.Optional;

/**
 * A CLIP of the platform, any of them, by its model id: the image through {@code <clip>-image} with the platform's
 * {@link ServiceCaller} (the bus's timeouts, metrics and hot-swap waits), the candidate texts of a step in one
 * {@link TextEncoder#encodeBatch} of {@code <clip>-text} (one forward pass of the text tower for all k; the bus's
 * caller takes one input a call). MAGiC needs nothing else of CLIP, so the bundles stay apart. A CLIP that cannot
 * answer fails the call with its own code and a message naming the configuration key {@code clip} and the fix.
 */
final class ClipOnBus {

    /** Finds a text encoder by stoa.id: the OSGi registry in the bundle, a map in tests. */
    @FunctionalInterface
    interface TextEncoders {
        /**
         * Runs {@code use} with the text encoder registered as {@code id}, if one is.
         *
         * @return what {@code use} returned, or empty when no such encoder is registered
         */
        <T> Optional<T> with(String id, java.util.function.Function<TextEncoder, T> use);
    }

    private final ServiceCaller caller;
    private final TextEncoders encoders;
    private final String clip;
    private final String source;

    /**
     * @param caller the platform's in-process caller
     * @param encoders where text encoders are found
     * @param clip the CLIP's model id, e.g. {@code clip-tiny-scenes}
     * @param source the configuration file, for messages
     */
    ClipOnBus(ServiceCaller caller, TextEncoders encoders, String clip, String source) {
        this.caller = caller;
        this.encoders = encoders;
        this.clip = clip;
        this.source = source;
    }

    /** @return the image's embedding by {@code <clip>-image} */
    float[] image(Image image) {
        String service = clip + "-image";
        try {
            return caller.call(service, image, Embedding.class).vector();
        } catch (StoaException e) {
            if (e.code() == FailureCode.BAD_INPUT || e.code() == FailureCode.TOO_LARGE) {
                throw e;
            }
            throw missing(e.code() == FailureCode.UNKNOWN_SERVICE ? FailureCode.UNAVAILABLE : e.code(), service, e);
        }
    }

    /** @return one embedding per text, by one batch of {@code <clip>-text} */
    float[][] texts(List<String> texts) {
        String service = clip + "-text";
        List<Text> inputs = texts.stream().map(Text::new).toList();
        Optional<List<Embedding>> out;
        try {
            out = encoders.with(service, e -> e.encodeBatch(inputs));
        } catch (StoaException e) {
            throw missing(e.code(), service, e);
        }
        List<Embedding> embeddings = out.orElseThrow(() -> missing(FailureCode.UNAVAILABLE, service, null));
        float[][] vectors = new float[embeddings.size()][];
        for (int i = 0; i < vectors.length; i++) {
            vectors[i] = embeddings.get(i).vector();
        }
        return vectors;
    }

    private StoaException missing(FailureCode code, String service, StoaException cause) {
        String why = cause == null ? "no text encoder with that id is registered" : cause.getMessage();
        return new StoaException(
                code,
                "MAGiC scores captions with the CLIP 'clip = " + clip + "' of " + source + ", but '" + service
                        + "' cannot answer (" + why + "); train that CLIP (clip-tiny-scenes: bin/stoa train"
                        + " etc/train/clip-shapes-scenes.yaml) or set 'clip' to a CLIP listed by GET /v1/models",
                cause);
    }
}
