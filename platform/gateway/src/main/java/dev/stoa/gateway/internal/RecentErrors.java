package dev.stoa.gateway.internal;

import dev.stoa.api.FailureCode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;

/**
 * The last errors the platform met, for an overview ({@code GET /v1/errors}): a bounded ring, newest first. Each
 * error recorded is also an {@code error} event on {@link ConsoleEvents}.
 */
final class RecentErrors {

    private final int capacity;
    private final ConsoleEvents events;
    private final Deque<JsonObject> ring = new ArrayDeque<>();
    private long total;

    /**
     * @param capacity how many errors to keep
     * @param events where each error is also published, or {@code null}
     */
    RecentErrors(int capacity, ConsoleEvents events) {
        this.capacity = capacity;
        this.events = events;
    }

    /**
     * Records an error.
     *
     * @param source what failed: {@code http}, {@code service:<id>}, {@code training:<run>}, {@code bundle:<name>},
     *     {@code pipeline:<name>}
     * @param message what happened, in words
     * @param code the failure code's name, or {@code null}
     * @param status the HTTP status, or 0
     * @return the entry
     */
    JsonObject add(String source, String message, String code, int status) {
        JsonObject entry;
        synchronized (ring) {
            entry = new JsonObject()
                    .put("id", ++total)
                    .put("time", Instant.now().toString())
                    .put("source", source)
                    .put("message", message);
            if (code != null) {
                entry.put("code", code);
            }
            if (status > 0) {
                entry.put("status", status);
            }
            ring.addFirst(entry);
            while (ring.size() > capacity) {
                ring.removeLast();
            }
        }
        if (events != null) {
            events.publish("error", entry.copy());
        }
        return entry;
    }

    /**
     * @param limit the most entries to answer
     * @return {@code {"errors": [newest first], "total": n}}
     */
    JsonObject list(int limit) {
        JsonArray out = new JsonArray();
        synchronized (ring) {
            Iterator<JsonObject> it = ring.iterator();
            while (it.hasNext() && out.size() < limit) {
                out.add(it.next().copy());
            }
            return new JsonObject().put("errors", out).put("total", total);
        }
    }

    /** {@code GET /v1/errors?limit=n}. */
    void handle(RoutingContext rc) {
        String limitText = rc.request().getParam("limit");
        int limit = capacity;
        if (limitText != null && !limitText.isBlank()) {
            try {
                limit = Integer.parseInt(limitText.trim());
            } catch (NumberFormatException e) {
                limit = -1;
            }
            if (limit < 1) {
                HttpGateway.error(
                        rc,
                        FailureCode.BAD_INPUT,
                        "'limit': '" + limitText + "' is not a positive whole number; give how many errors to"
                                + " answer (at most " + capacity + " are kept), or leave it out for all");
                return;
            }
        }
        HttpGateway.json(rc, 200, list(limit));
    }
}
