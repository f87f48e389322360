package dev.stoa.gateway.internal;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The gateway's one stream of what changes ({@code GET /v1/events}): every event gets the next id, is kept in a
 * bounded replay ring (for a client that reconnects with {@code since}) and is handed to each subscriber. Publishing
 * never blocks and never waits on a subscriber: each one bounds its own buffer ({@link EventStream}).
 */
final class ConsoleEvents {

    /** Every kind of event, in the order the documentation lists them. */
    static final List<String> KINDS =
            List.of("bundle", "deploy", "service", "pipeline", "model", "readiness", "training", "error");

    /** One event: its id, kind ({@code event:} line) and data. */
    record Event(long id, String kind, JsonObject data) {
        /** @return the event in the server-sent events format, ending with its blank line */
        String wire() {
            return "id: " + id + "\nevent: " + kind + "\ndata: " + data.encode() + "\n\n";
        }
    }

    private final int replay;
    private final Deque<Event> recent = new ArrayDeque<>();
    private final List<Filtered> subscribers = new CopyOnWriteArrayList<>();
    private long lastId;

    /** @param replay how many of the newest events to keep for clients that reconnect */
    ConsoleEvents(int replay) {
        this.replay = replay;
    }

    /**
     * Publishes an event; {@code time} is added to its data when absent.
     *
     * @param kind one of {@link #KINDS}
     * @param data what changed
     * @return the event
     */
    Event publish(String kind, JsonObject data) {
        if (!data.containsKey("time")) {
            data.put("time", Instant.now().toString());
        }
        Event e;
        synchronized (recent) {
            e = new Event(++lastId, kind, data);
            recent.addLast(e);
            while (recent.size() > replay) {
                recent.removeFirst();
            }
            // handed over inside the lock so that every subscriber sees the events in id order
            for (Filtered s : subscribers) {
                s.accept(e);
            }
        }
        return e;
    }

    /**
     * Subscribes atomically: the events after {@code since} still held are replayed to {@code subscriber} first,
     * then every new one, none missed and none twice.
     *
     * @param since the last event id the client has, or -1 for none to replay
     * @param kinds the kinds it wants
     * @param subscriber receives events; must not block
     * @return the id of the newest event at the moment of subscribing
     */
    long subscribe(long since, Set<String> kinds, Consumer<Event> subscriber) {
        synchronized (recent) {
            if (since >= 0) {
                for (Event e : recent) {
                    if (e.id() > since && kinds.contains(e.kind())) {
                        subscriber.accept(e);
                    }
                }
            }
            subscribers.add(new Filtered(kinds, subscriber));
            return lastId;
        }
    }

    /** Removes a subscriber that {@link #subscribe} added. */
    void unsubscribe(Consumer<Event> subscriber) {
        synchronized (recent) {
            subscribers.removeIf(s -> s.target() == subscriber);
        }
    }

    /** @return how many clients are subscribed */
    int subscribers() {
        return subscribers.size();
    }

    /** @return the events still held, oldest first */
    List<Event> recent() {
        synchronized (recent) {
            return new ArrayList<>(recent);
        }
    }

    private record Filtered(Set<String> kinds, Consumer<Event> target) implements Consumer<Event> {
        @Override
        public void accept(Event e) {
            if (kinds.contains(e.kind())) {
                target.accept(e);
            }
        }
    }
}
