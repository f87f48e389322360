package dev.stoa.vectors.lucene.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoa.api.vector.VectorDocument;
import dev.stoa.api.vector.VectorHit;
import dev.stoa.api.vector.VectorMetric;
import dev.stoa.api.vector.VectorStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14: upserts were acknowledged before Lucene committed (every 5 s), so kill -9 lost acknowledged writes.
 * Here the periodic commit is an hour away, and right after a write returns the collection's folder is copied as a
 * killed process would leave it (the files as they are, no close, no final commit: the writer's lock file left
 * out); a collection opened on the copy must hold every acknowledged write.
 */
class DurableWritesTest {

    private static final long AN_HOUR_MS = 3_600_000L;

    @TempDir
    Path dir;

    @TempDir
    Path crashed;

    private LuceneVectorStores stores;

    @AfterEach
    void close() {
        if (stores != null) {
            stores.close();
        }
    }

    @Test
    void anAcknowledgedUpsertSurvivesACrash() throws IOException {
        stores = new LuceneVectorStores(null, dir, 100, AN_HOUR_MS, 1, true);
        VectorStore s = stores.open("kept", 2, VectorMetric.COSINE);

        s.upsert("a", new float[] {1, 0}, Map.of("k", "v"));
        s.upsertAll(List.of(new VectorDocument("b", new float[] {0, 1}), new VectorDocument("c", new float[] {1, 1})));

        try (LuceneVectorStore after = reopenAfterCrash("kept", 2)) {
            assertThat(after.size()).isEqualTo(3);
            List<VectorHit> hit = after.query(new float[] {1, 0}, 1, Map.of("k", "v"));
            assertThat(hit).singleElement().satisfies(h -> {
                assertThat(h.id()).isEqualTo("a");
                assertThat(h.metadata()).containsEntry("k", "v");
                assertThat(h.score()).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
            });
        }
    }

    @Test
    void anAcknowledgedDeleteSurvivesACrash() throws IOException {
        stores = new LuceneVectorStores(null, dir, 100, AN_HOUR_MS, 1, true);
        VectorStore s = stores.open("kept", 2, VectorMetric.COSINE);
        s.upsert("a", new float[] {1, 0}, Map.of("source", "x"));
        s.upsert("b", new float[] {0, 1}, Map.of("source", "y"));
        s.upsert("c", new float[] {1, 1}, Map.of("source", "y"));
        s.commit(); // the three are in the index; the deletes below only in the log
        assertThat(s.delete("a")).isTrue();
        assertThat(s.deleteMatching(Map.of("source", "y"))).isEqualTo(2);
        s.upsert("d", new float[] {1, 0}, Map.of("source", "y"));

        try (LuceneVectorStore after = reopenAfterCrash("kept", 2)) {
            assertThat(after.query(new float[] {1, 0}, 10, Map.of()))
                    .extracting(VectorHit::id)
                    .containsExactly("d");
        }
    }

    @Test
    void withoutDurableWritesACrashLosesWhatTheCommitDidNotHold() throws IOException {
        // the behaviour before (durableWrites = false): shows the crash copy can tell
        stores = new LuceneVectorStores(null, dir, 100, AN_HOUR_MS, 1, false);
        VectorStore s = stores.open("later", 2, VectorMetric.COSINE);
        s.upsert("a", new float[] {1, 0}, Map.of());
        assertThat(s.size()).isEqualTo(1); // visible to queries all the same

        try (LuceneVectorStore after = reopenAfterCrash("later", 2)) {
            assertThat(after.size()).isZero();
        }
    }

    @Test
    void aTornLastRecordIsDroppedAndTheRestReplayed() throws IOException {
        stores = new LuceneVectorStores(null, dir, 100, AN_HOUR_MS, 1, true);
        VectorStore s = stores.open("torn", 2, VectorMetric.COSINE);
        s.upsert("a", new float[] {1, 0}, Map.of());
        s.upsert("b", new float[] {0, 1}, Map.of());
        copyAsCrashed("torn");
        // a record whose write was cut short by the crash (never acknowledged): a length, then too few bytes
        Files.write(
                crashed.resolve("torn").resolve(WriteAheadLog.FILE),
                new byte[] {0, 0, 0, 40, 1, 2, 3, 4, 5},
                StandardOpenOption.APPEND);

        try (LuceneVectorStore after =
                LuceneVectorStore.open(crashed.resolve("torn"), "torn", 2, VectorMetric.COSINE, 100)) {
            assertThat(after.query(new float[] {1, 1}, 10, Map.of()))
                    .extracting(VectorHit::id)
                    .containsExactlyInAnyOrder("a", "b");
            // replayed into a commit, so the log is empty again
            assertThat(Files.size(crashed.resolve("torn").resolve(WriteAheadLog.FILE)))
                    .isZero();
        }
    }

    @Test
    void concurrentWritersShareFsyncsAndEveryAcknowledgedWriteSurvives() throws Exception {
        stores = new LuceneVectorStores(null, dir, 100, AN_HOUR_MS, 1, true);
        LuceneVectorStore s = (LuceneVectorStore) stores.open("busy", 4, VectorMetric.COSINE);
        int threads = 8;
        int perThread = 50;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<List<String>>> done = new ArrayList<>();
        Set<String> acknowledged = new HashSet<>();
        try {
            for (int t = 0; t < threads; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    go.await();
                    List<String> ids = new ArrayList<>();
                    for (int i = 0; i < perThread; i++) {
                        String id = thread + "-" + i;
                        s.upsert(id, new float[] {1, thread, i, 1}, Map.of("id", id));
                        ids.add(id);
                    }
                    return ids;
                }));
            }
            go.countDown();
            for (Future<List<String>> f : done) {
                acknowledged.addAll(f.get(300, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
        long syncs = s.logSyncs();
        System.out.printf(
                "[measure] %d concurrent upserts on %d threads took %d fsyncs of the log%n",
                threads * perThread, threads, syncs);
        assertThat(acknowledged).hasSize(threads * perThread);
        // writes that waited while an fsync ran shared the next one
        assertThat(syncs).isPositive().isLessThan((long) threads * perThread);

        try (LuceneVectorStore after = reopenAfterCrash("busy", 4)) {
            assertThat(after.size()).isEqualTo(threads * perThread);
            for (String id : acknowledged) {
                assertThat(after.query(new float[] {1, 0, 0, 1}, 1, Map.of("id", id)))
                        .extracting(VectorHit::id)
                        .containsExactly(id);
            }
        }
    }

    /** Copies the collection's folder as a killed process leaves it, and opens the copy (which replays its log). */
    private LuceneVectorStore reopenAfterCrash(String collection, int dimension) throws IOException {
        copyAsCrashed(collection);
        VectorMetric metric = stores.find(collection).orElseThrow().metric();
        return LuceneVectorStore.open(crashed.resolve(collection), collection, dimension, metric, 100);
    }

    private void copyAsCrashed(String collection) throws IOException {
        Path from = dir.resolve(collection);
        Path to = Files.createDirectories(crashed.resolve(collection));
        try (Stream<Path> files = Files.list(from)) {
            for (Path f : files.toList()) {
                if (!f.getFileName().toString().equals("write.lock")) {
                    Files.copy(f, to.resolve(f.getFileName()));
                }
            }
        }
    }
}
