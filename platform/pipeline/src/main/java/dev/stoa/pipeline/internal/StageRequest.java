package dev.stoa.pipeline.internal;

import java.util.LinkedHashMap;

/**
 * A JSON-shaped value built inside a pipeline (a {@code with:} request, a merge, a request with a decoded image) that
 * may hold records: sent over the event bus by reference with {@link StageRequestCodec}, so an {@code Image} in it
 * reaches the service decoded. A service that takes a {@code Map} receives it as is.
 */
final class StageRequest extends LinkedHashMap<String, Object> {

    private static final long serialVersionUID = 1L;

    StageRequest(int capacity) {
        super(Math.max(4, capacity * 2));
    }

    StageRequest() {
        super();
    }
}
