package dev.stoa.itests.durability;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.LongAdder;

/** Answers counted per kind of request and HTTP status (0: no answer, the connection failed). */
final class SoakCounts {

    private final Map<String, Map<Integer, LongAdder>> byKind = new ConcurrentHashMap<>();

    void add(String kind, int status) {
        byKind.computeIfAbsent(kind, k -> new ConcurrentSkipListMap<>())
                .computeIfAbsent(status, s -> new LongAdder())
                .increment();
    }

    /** @return kind to (status to count), sorted */
    Map<String, Map<Integer, Long>> snapshot() {
        Map<String, Map<Integer, Long>> out = new TreeMap<>();
        byKind.forEach((kind, statuses) -> {
            Map<Integer, Long> m = new TreeMap<>();
            statuses.forEach((s, n) -> m.put(s, n.sum()));
            out.put(kind, m);
        });
        return out;
    }

    long total() {
        return snapshot().values().stream()
                .flatMap(m -> m.values().stream())
                .mapToLong(Long::longValue)
                .sum();
    }

    /** @return answers with a status of 500 or more to a request of a "bad: " kind */
    long badInput5xx() {
        return snapshot().entrySet().stream()
                .filter(e -> e.getKey().startsWith("bad: "))
                .flatMap(e -> e.getValue().entrySet().stream())
                .filter(e -> e.getKey() >= 500)
                .mapToLong(Map.Entry::getValue)
                .sum();
    }

    /** @return status to count over every kind */
    Map<Integer, Long> byStatus() {
        Map<Integer, Long> out = new TreeMap<>();
        snapshot().values().forEach(m -> m.forEach((s, n) -> out.merge(s, n, Long::sum)));
        return out;
    }
}
