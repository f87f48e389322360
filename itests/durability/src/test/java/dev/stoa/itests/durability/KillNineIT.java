package dev.stoa.itests.durability;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 14: vector upserts were acknowledged before Lucene committed (every 5 s), so kill -9 lost the last seconds
 * of acknowledged writes. A real server (bin/stoa from the built distribution, without its model bundles) gets 1,000
 * upserts over HTTP, each acknowledged, from 8 clients at once; right after the last answer it is killed with
 * SIGKILL, started again, and asked for every acknowledged id. The periodic Lucene commit is set an hour away, so
 * every write comes back through the collection's write-ahead log.
 *
 * <p>The second test is the control: the same kill with {@code durableWrites = false} (the behaviour before, with the
 * periodic commit an hour away) loses acknowledged writes, so the check can tell.
 *
 * <p>The upserts need the {@code write} scope: they carry the local operator's admin key ({@link StoaServer}).
 */
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class KillNineIT {

    private static final int START_SECONDS = 180;
    private static final int DIMENSION = 16;
    private static final String COLLECTION = "durable";

    private StoaServer server;

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    private StoaServer server(String name) throws Exception {
        Path dist = Path.of(System.getProperty("stoa.dist", "../../distribution/target/stoa"));
        Path work = Path.of(System.getProperty("stoa.itest.work", "target/durability-it"));
        server = StoaServer.withoutModels(dist, work.resolve(name)).javaOpts("-Xmx512m -XX:+UseSerialGC");
        // requests carry the local operator's admin key the server generates (StoaServer.localAdminKey)
        server.etc("dev.stoa.retrieval-" + COLLECTION + ".cfg", VectorWrites.retrievalConfig(COLLECTION, DIMENSION));
        return server;
    }

    @Test
    void thousandAcknowledgedUpsertsSurviveKillNine() throws Exception {
        StoaServer s = server("kill-nine");
        // the periodic Lucene commit an hour away: every acknowledged write must come back from the write-ahead log
        s.etc("dev.stoa.vectors.lucene.cfg", "commitIntervalMs = 3600000\n");
        s.start();
        s.awaitService("vectors." + COLLECTION + ".upsert", START_SECONDS);
        VectorWrites writes = new VectorWrites(s, COLLECTION, DIMENSION);

        long t0 = System.nanoTime();
        List<String> acknowledged = upsertConcurrently(writes, 8, 1000);
        double seconds = (System.nanoTime() - t0) / 1e9;
        s.kill();
        System.out.printf(
                "[measure] %d upserts acknowledged over HTTP by 8 clients in %.1f s (%.0f/s), then SIGKILL%n",
                acknowledged.size(), seconds, acknowledged.size() / seconds);
        assertThat(acknowledged).hasSize(1000);

        s.start();
        s.awaitService("vectors." + COLLECTION + ".query", START_SECONDS);
        assertThat(writes.missing(acknowledged))
                .as("acknowledged upserts lost by kill -9")
                .isEmpty();
        assertThat(s.console()).contains("Vector collection '" + COLLECTION + "': replayed 1000 writes");
    }

    @Test
    void withoutDurableWritesTheSameKillLosesAcknowledgedUpserts() throws Exception {
        StoaServer s = server("kill-nine-control");
        s.etc("dev.stoa.vectors.lucene.cfg", "durableWrites = false\ncommitIntervalMs = 3600000\n");
        s.start();
        s.awaitService("vectors." + COLLECTION + ".upsert", START_SECONDS);
        VectorWrites writes = new VectorWrites(s, COLLECTION, DIMENSION);

        List<String> acknowledged = upsertConcurrently(writes, 4, 100);
        s.kill();
        assertThat(acknowledged).hasSize(100);

        s.start();
        s.awaitService("vectors." + COLLECTION + ".query", START_SECONDS);
        // nothing committed them: every one is gone
        assertThat(writes.missing(acknowledged)).hasSize(100);
    }

    /** @return the ids whose upsert was acknowledged, {@code total} spread over {@code clients} threads */
    private static List<String> upsertConcurrently(VectorWrites writes, int clients, int total) throws Exception {
        List<String> acknowledged = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                int client = c;
                done.add(pool.submit(() -> {
                    for (int i = client; i < total; i += clients) {
                        String id = "doc-" + i;
                        if (writes.upsert(id)) {
                            acknowledged.add(id);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(10, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
        return acknowledged;
    }
}
