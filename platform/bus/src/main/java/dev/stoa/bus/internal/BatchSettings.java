package dev.stoa.bus.internal;

import dev.stoa.api.FailureCode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * How the bus queues and batches the calls of one service, Triton-style: per-service entries of PID
 * {@code dev.stoa.bus} ({@code etc/dev.stoa.bus.cfg}),
 *
 * <pre>
 * batching.&lt;stoa.id&gt;.max_batch_size = 16      # most calls in one callBatch; 1: no batching, queue and workers only
 * batching.&lt;stoa.id&gt;.max_queue_delay_us = 0   # longest a call waits for companions while an instance is free
 * batching.&lt;stoa.id&gt;.max_queue_size = 1024    # calls queued beyond it fail with OVERLOADED
 * batching.&lt;stoa.id&gt;.instances = 1            # calls (batches) that run on the service at once
 * </pre>
 *
 * Any one entry turns queueing on for that service; the others take the defaults above ({@code max_batch_size}: the
 * service's own {@code BatchingService.maxBatchSize()}, or 1 for a service that cannot batch).
 *
 * @param maxBatchSize most calls handed to the service at once, or 0 for the service's own maximum
 * @param maxQueueDelayNanos longest the oldest queued call waits for a fuller batch while an instance is free
 * @param maxQueueSize most calls queued (not yet running); more fail with {@link FailureCode#OVERLOADED}
 * @param instances most batches running on the service at once (parallel workers on the one service object)
 */
record BatchSettings(int maxBatchSize, long maxQueueDelayNanos, int maxQueueSize, int instances) {

    /** Prefix of every batching entry in the bus configuration. */
    static final String PREFIX = "batching.";

    static final int DEFAULT_QUEUE_SIZE = 1024;

    private static final List<String> FIELDS =
            List.of("max_batch_size", "max_queue_delay_us", "max_queue_size", "instances");

    /**
     * Reads every {@code batching.<id>.<field>} entry of the bus configuration.
     *
     * @param properties the component's configuration
     * @param problems receives one message per bad entry, naming the key and the fix; that service keeps the
     *        defaults for the bad field
     * @return the settings per service id
     */
    static Map<String, BatchSettings> parse(Map<String, ?> properties, List<String> problems) {
        Map<String, Map<String, Long>> byId = new TreeMap<>();
        for (Map.Entry<String, ?> e : properties.entrySet()) {
            String key = e.getKey();
            if (!key.startsWith(PREFIX)) {
                continue;
            }
            int dot = key.lastIndexOf('.');
            String id = dot > PREFIX.length() ? key.substring(PREFIX.length(), dot) : "";
            String field = key.substring(dot + 1);
            if (id.isEmpty() || !FIELDS.contains(field)) {
                problems.add("etc/dev.stoa.bus.cfg: '" + key + "' is not a batching setting; write"
                        + " batching.<stoa.id>.<field> with field one of " + FIELDS);
                continue;
            }
            long value;
            try {
                value = Long.parseLong(String.valueOf(e.getValue()).trim());
            } catch (NumberFormatException ex) {
                problems.add("etc/dev.stoa.bus.cfg: '" + key + "' is '" + e.getValue() + "'; write a whole number");
                continue;
            }
            long min = field.equals("max_queue_delay_us") ? 0 : 1;
            if (value < min || value > Integer.MAX_VALUE) {
                problems.add("etc/dev.stoa.bus.cfg: '" + key + "' is " + value + "; use " + min + " or more");
                continue;
            }
            byId.computeIfAbsent(id, k -> new HashMap<>()).put(field, value);
        }
        Map<String, BatchSettings> out = new TreeMap<>();
        byId.forEach((id, f) -> out.put(
                id,
                new BatchSettings(
                        f.getOrDefault("max_batch_size", 0L).intValue(),
                        f.getOrDefault("max_queue_delay_us", 0L) * 1_000,
                        f.getOrDefault("max_queue_size", (long) DEFAULT_QUEUE_SIZE)
                                .intValue(),
                        f.getOrDefault("instances", 1L).intValue())));
        return out;
    }

    /**
     * The batch size used for a service.
     *
     * @param serviceMax what the service takes at most: its {@code maxBatchSize()}, or 1 when it cannot batch
     * @return the configured size capped by the service's, or the service's when none is configured
     */
    int batchSizeFor(int serviceMax) {
        return maxBatchSize == 0 ? Math.max(1, serviceMax) : Math.max(1, Math.min(maxBatchSize, serviceMax));
    }

    /** @return the entries as they would be written in the configuration, for logs */
    String describe(String id) {
        List<String> parts = new ArrayList<>();
        parts.add("max_batch_size=" + (maxBatchSize == 0 ? "service's" : maxBatchSize));
        parts.add("max_queue_delay_us=" + maxQueueDelayNanos / 1_000);
        parts.add("max_queue_size=" + maxQueueSize);
        parts.add("instances=" + instances);
        return "batching." + id + ".{" + String.join(", ", parts) + "}";
    }
}
