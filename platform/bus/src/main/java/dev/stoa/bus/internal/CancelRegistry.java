package dev.stoa.bus.internal;

import dev.stoa.api.Cancellation;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The calls of this node that carry a cancel token ({@link Cancellation#TOKEN_HEADER}), by token, and the consumer of
 * {@link Cancellation#CANCEL_ADDRESS}: a caller that goes away publishes its token there, every node receives it (a
 * publish reaches every consumer of a clustered bus), and each cancels its calls with that token, wherever in the
 * endpoint they are (parked, queued, waiting for a worker, running).
 */
final class CancelRegistry {

    /** How long a cancelled token is remembered, for a call that arrives after its cancel (they travel apart). */
    static final long REMEMBER_NANOS = 60_000_000_000L;

    private static final int REMEMBER_MAX = 10_000;

    private final Map<String, Set<Call>> byToken = new ConcurrentHashMap<>();
    private final Map<String, Long> recentlyCancelled = new ConcurrentHashMap<>();
    private final MessageConsumer<Object> consumer;

    /** @param vertx the event bus to listen on */
    CancelRegistry(Vertx vertx) {
        consumer = vertx.eventBus().consumer(Cancellation.CANCEL_ADDRESS, m -> {
            if (m.body() instanceof String token) {
                cancel(token, "the caller went away");
            }
        });
    }

    /** @return completes once the consumer is registered (on a cluster: known to the other nodes) */
    io.vertx.core.Future<Void> ready() {
        return consumer.completion();
    }

    /**
     * Remembers a call with a token until {@link #remove}.
     *
     * @return {@code false} when its token was cancelled already (the call arrived after its cancel): do not run it
     */
    boolean add(Call call) {
        String token = call.cancellation.token();
        if (token == null) {
            return true;
        }
        byToken.computeIfAbsent(token, t -> ConcurrentHashMap.newKeySet()).add(call);
        Long when = recentlyCancelled.get(token);
        if (when != null && System.nanoTime() - when < REMEMBER_NANOS) {
            remove(call);
            return false;
        }
        return true;
    }

    /** Forgets an answered call. */
    void remove(Call call) {
        String token = call.cancellation.token();
        if (token == null) {
            return;
        }
        byToken.computeIfPresent(token, (t, calls) -> {
            calls.remove(call);
            return calls.isEmpty() ? null : calls;
        });
    }

    /**
     * Cancels every call of this node with the token.
     *
     * @return how many there were
     */
    int cancel(String token, String why) {
        long now = System.nanoTime();
        if (recentlyCancelled.size() >= REMEMBER_MAX) {
            recentlyCancelled.values().removeIf(t -> now - t >= REMEMBER_NANOS);
            if (recentlyCancelled.size() >= REMEMBER_MAX) {
                recentlyCancelled.clear(); // a flood of cancels: forget the oldest rather than grow
            }
        }
        recentlyCancelled.put(token, now);
        Set<Call> calls = byToken.remove(token);
        if (calls == null) {
            return 0;
        }
        List<Call> all = List.copyOf(calls);
        all.forEach(c -> c.endpoint.cancel(c, why));
        return all.size();
    }

    /** @return calls with a token now, for tests */
    int size() {
        return byToken.values().stream().mapToInt(Set::size).sum();
    }

    void close() {
        consumer.unregister();
    }
}
