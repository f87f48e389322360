package dev.stoa.bus.internal;

import dev.stoa.api.FailureCode;
import dev.stoa.api.ServiceProperties;
import dev.stoa.api.StoaException;
import dev.stoa.api.data.Image;
import dev.stoa.vertx.Payloads;
import io.vertx.core.json.JsonObject;

/**
 * The codec interceptor of an {@link Endpoint}: a call that came as JSON (HTTP, another language, another node) is
 * converted to the service's input type and answered as JSON; a call that came as an object in this JVM is passed
 * by reference and answered as the service's object. Also checks the input's type and that the service answered.
 */
final class PayloadCodec {

    private final String id;

    /** @param id the service's id, for messages */
    PayloadCodec(String id) {
        this.id = id;
    }

    /**
     * @param provider the instance that will run the call
     * @param body the request as it came
     * @param json whether it came as JSON
     * @return the service's input
     * @throws StoaException {@code BAD_INPUT} naming what the service expects
     */
    Object input(Provider provider, Object body, boolean json) {
        Class<Object> type = provider.service.inputType();
        return json ? Payloads.fromJson((JsonObject) body, type, imageBudget(provider)) : checkInputType(body, type);
    }

    /**
     * @return the service's {@link ServiceProperties#IMAGE_MAX_PIXELS}, or {@link Image#DEFAULT_MAX_PIXELS} when it
     *     sets none (or an unusable value, which the exporter's log does not repeat per call)
     */
    static long imageBudget(Provider provider) {
        Object v =
                provider.reference == null ? null : provider.reference.getProperty(ServiceProperties.IMAGE_MAX_PIXELS);
        long budget = Image.DEFAULT_MAX_PIXELS;
        if (v instanceof Number n) {
            budget = n.longValue();
        } else if (v instanceof String s) {
            try {
                budget = Long.parseLong(s.trim());
            } catch (NumberFormatException e) {
                budget = Image.DEFAULT_MAX_PIXELS;
            }
        }
        return budget >= 1 && budget <= Image.MAX_PIXELS ? budget : Image.DEFAULT_MAX_PIXELS;
    }

    /**
     * @param output what the service answered
     * @param json whether the caller sent JSON (and gets JSON)
     * @return the answer for the caller
     * @throws StoaException {@code INTERNAL} when the service answered nothing
     */
    Object output(Object output, boolean json) {
        if (output == null) {
            throw new StoaException(FailureCode.INTERNAL, "service '" + id + "' returned nothing");
        }
        return json ? Payloads.toJson(output) : output;
    }

    /**
     * A piece of a {@link dev.stoa.api.StreamingService}'s answer as the stream's address receives it.
     *
     * @param index its place in the stream, from 0
     * @param piece a {@code String} or a record
     * @return {@code {"index": i, "text": piece}} for text, the record's JSON form with {@code index} otherwise
     */
    JsonObject piece(int index, Object piece) {
        return piece instanceof String text
                ? new JsonObject().put("index", index).put("text", text)
                : Payloads.toJson(piece).put("index", index);
    }

    private Object checkInputType(Object body, Class<?> expected) {
        if (body == null) {
            throw StoaException.badInput("body", "is empty; service '" + id + "' expects " + expected.getSimpleName());
        }
        if (expected == JsonObject.class && !(body instanceof JsonObject)) {
            // a service that takes JSON (a pipeline) accepts any record in its JSON form
            return Payloads.toJson(body);
        }
        if (!expected.isInstance(body)) {
            throw StoaException.badInput(
                    "body",
                    "is a " + body.getClass().getSimpleName() + " but service '" + id + "' expects "
                            + expected.getSimpleName() + " (or its JSON form)");
        }
        return body;
    }
}
