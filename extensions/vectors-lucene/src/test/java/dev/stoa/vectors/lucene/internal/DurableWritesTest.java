package dev.stoa.vectors.lucene.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoa.api.vector.VectorDocument;
import dev.stoa.api.vector.VectorMetric;
import dev.stoa.api.vector.VectorStore;
import java.io.IOException;
import java.nio.file.Path;
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
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.store.FSDirectory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14: upserts were acknowledged before Lucene committed (every 5 s), so kill -9 lost acknowledged writes. Here
 * the periodic commit is an hour away, and what a write left on disk is read by a separate reader of the folder,
 * which sees only committed documents (what a process restarted after kill -9 would find).
 */
class DurableWritesTest {

    private static final long AN_HOUR_MS = 3_600_000L;

    @TempDir
    Path dir;

    private LuceneVectorStores stores;

    @AfterEach
    void close() {
        if (stores != null) {
            stores.close();
        }
    }

    @Test
    void anAcknowledgedUpsertIsCommittedBeforeItReturns() throws IOException {
        stores = new LuceneVectorStores(null, dir, 100, AN_HOUR_MS, 1, true);
        VectorStore s = stores.open("kept", 2, VectorMetric.COSINE);

        s.upsert("a", new float[] {1, 0}, Map.of("k", "v"));
        assertThat(committedIds("kept")).containsExactly("a");

        s.upsertAll(List.of(new VectorDocument("b", new float[] {0, 1}), new VectorDocument("c", new float[] {1, 1})));
        assertThat(committedIds("kept")).containsExactlyInAnyOrder("a", "b", "c");
    }

    @Test
    void anAcknowledgedDeleteIsCommittedBeforeItReturns() throws IOException {
        stores = new LuceneVectorStores(null, dir, 100, AN_HOUR_MS, 1, true);
        VectorStore s = stores.open("kept", 2, VectorMetric.COSINE);
        s.upsert("a", new float[] {1, 0}, Map.of("source", "x"));
        s.upsert("b", new float[] {0, 1}, Map.of("source", "y"));

        assertThat(s.delete("a")).isTrue();
        assertThat(committedIds("kept")).containsExactly("b");
        assertThat(s.deleteMatching(Map.of("source", "y"))).isEqualTo(1);
        assertThat(committedIds("kept")).isEmpty();
    }

    @Test
    void withoutDurableWritesAnUpsertWaitsForThePeriodicCommit() throws IOException {
        // the previous behaviour, still available (durableWrites = false): shows the reader above can tell
        stores = new LuceneVectorStores(null, dir, 100, AN_HOUR_MS, 1, false);
        VectorStore s = stores.open("later", 2, VectorMetric.COSINE);

        s.upsert("a", new float[] {1, 0}, Map.of());

        assertThat(committedIds("later")).isEmpty();
        assertThat(s.size()).isEqualTo(1); // visible to queries all the same
        s.commit();
        assertThat(committedIds("later")).containsExactly("a");
    }

    @Test
    void concurrentWritersShareCommitsAndEveryAcknowledgedWriteIsOnDisk() throws Exception {
        stores = new LuceneVectorStores(null, dir, 100, AN_HOUR_MS, 1, true);
        LuceneVectorStore s = (LuceneVectorStore) stores.open("busy", 4, VectorMetric.COSINE);
        long commitsBefore = s.commits();
        int threads = 8;
        int perThread = 40;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch go = new CountDownLatch(1);
        // each writer records the ids it got an answer for, and checks each is on disk right after
        List<Future<List<String>>> done = new ArrayList<>();
        try {
            for (int t = 0; t < threads; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    go.await();
                    List<String> acknowledged = new ArrayList<>();
                    for (int i = 0; i < perThread; i++) {
                        String id = thread + "-" + i;
                        s.upsert(id, new float[] {1, thread, i, 1}, Map.of());
                        acknowledged.add(id);
                    }
                    return acknowledged;
                }));
            }
            go.countDown();
            Set<String> acknowledged = new HashSet<>();
            for (Future<List<String>> f : done) {
                acknowledged.addAll(f.get(300, TimeUnit.SECONDS));
            }
            assertThat(acknowledged).hasSize(threads * perThread);
            assertThat(committedIds("busy")).containsExactlyInAnyOrderElementsOf(acknowledged);
        } finally {
            pool.shutdownNow();
        }
        long commits = s.commits() - commitsBefore;
        System.out.printf(
                "[measure] %d concurrent upserts on %d threads took %d commits%n",
                threads * perThread, threads, commits);
        // writes that waited while a commit ran shared the next one
        assertThat(commits).isPositive().isLessThan((long) threads * perThread);
    }

    /** @return the ids in the collection's last commit, read as a restarted process would */
    private List<String> committedIds(String collection) throws IOException {
        List<String> ids = new ArrayList<>();
        try (var d = FSDirectory.open(dir.resolve(collection));
                DirectoryReader r = DirectoryReader.open(d)) {
            StoredFields stored = r.storedFields();
            for (var leaf : r.leaves()) {
                var live = leaf.reader().getLiveDocs();
                for (int i = 0; i < leaf.reader().maxDoc(); i++) {
                    if (live == null || live.get(i)) {
                        ids.add(stored.document(leaf.docBase + i).get(LuceneVectorStore.ID));
                    }
                }
            }
        }
        return ids;
    }
}
