package dev.stoa.vectors.lucene.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import dev.stoa.api.vector.VectorDocument;
import dev.stoa.api.vector.VectorHit;
import dev.stoa.api.vector.VectorMetric;
import dev.stoa.api.vector.VectorStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.store.FSDirectory;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LuceneVectorStoreTest {

    @TempDir
    Path dir;

    private LuceneVectorStores stores;

    @BeforeEach
    void open() {
        stores = new LuceneVectorStores(null, dir, 100, 60_000);
    }

    @AfterEach
    void close() {
        stores.close();
    }

    @Test
    void queryReturnsTheNearestDocumentsBestFirstWithTheirCosine() {
        VectorStore s = stores.open("docs", 3, VectorMetric.COSINE);
        s.upsert("x", new float[] {1, 0, 0}, Map.of("axis", "x"));
        s.upsert("y", new float[] {0, 2, 0}, Map.of("axis", "y"));
        s.upsert("xy", new float[] {1, 1, 0}, Map.of("axis", "xy"));

        List<VectorHit> hits = s.query(new float[] {3, 1, 0}, 3, Map.of());

        assertThat(hits).extracting(VectorHit::id).containsExactly("x", "xy", "y");
        // cosines worked out by hand: (3,1,0)/sqrt(10) against each unit vector
        assertThat(hits.get(0).score()).isCloseTo(3 / Math.sqrt(10), Offset.offset(1e-5));
        assertThat(hits.get(1).score()).isCloseTo(4 / Math.sqrt(20), Offset.offset(1e-5));
        assertThat(hits.get(2).score()).isCloseTo(1 / Math.sqrt(10), Offset.offset(1e-5));
        assertThat(hits.get(0).metadata()).containsExactly(Map.entry("axis", "x"));
    }

    @Test
    void forEachDocumentListsTheLiveDocumentsAsStoredAndGenerationCountsWrites() {
        VectorStore s = stores.open("listed", 2, VectorMetric.COSINE);
        long before = s.generation();
        s.upsert("a", new float[] {3, 4}, Map.of("k", "v"));
        s.upsert("b", new float[] {0, 1}, Map.of());
        s.upsert("a", new float[] {0, 2}, Map.of("k", "w")); // replaces a
        assertThat(s.delete("b")).isTrue();
        assertThat(s.delete("missing")).isFalse(); // removed nothing: not a write
        assertThat(s.generation()).isEqualTo(before + 4);

        List<VectorDocument> seen = new ArrayList<>();
        long generation = s.forEachDocument(seen::add);

        assertThat(generation).isEqualTo(s.generation());
        assertThat(seen).hasSize(1);
        assertThat(seen.get(0).id()).isEqualTo("a");
        assertThat(seen.get(0).vector()).containsExactly(0f, 1f); // unit length, as a cosine collection stores it
        assertThat(seen.get(0).metadata()).containsExactly(Map.entry("k", "w"));
    }

    @Test
    void dotProductScoresAreTheInnerProduct() {
        VectorStore s = stores.open("dots", 2, VectorMetric.DOT_PRODUCT);
        s.upsert("big", new float[] {3, 0}, Map.of());
        s.upsert("small", new float[] {0.5f, 0}, Map.of());
        s.upsert("negative", new float[] {-2, 0}, Map.of());

        List<VectorHit> hits = s.query(new float[] {2, 0}, 3, Map.of());

        assertThat(hits).extracting(VectorHit::id).containsExactly("big", "small", "negative");
        assertThat(hits.get(0).score()).isCloseTo(6.0, Offset.offset(1e-5));
        assertThat(hits.get(1).score()).isCloseTo(1.0, Offset.offset(1e-5));
        assertThat(hits.get(2).score()).isCloseTo(-4.0, Offset.offset(1e-5));
    }

    @Test
    void upsertReplacesADocumentWithTheSameId() {
        VectorStore s = stores.open("docs", 2, VectorMetric.COSINE);
        s.upsert("a", new float[] {1, 0}, Map.of("v", "1"));
        s.upsert("b", new float[] {0, 1}, Map.of());
        s.upsert("a", new float[] {0, 1}, Map.of("v", "2"));

        assertThat(s.size()).isEqualTo(2);
        List<VectorHit> hits = s.query(new float[] {1, 0}, 2, Map.of());
        VectorHit a = hits.stream().filter(h -> h.id().equals("a")).findFirst().orElseThrow();
        assertThat(a.metadata()).containsEntry("v", "2");
        assertThat(a.score()).isCloseTo(0.0, Offset.offset(1e-5));
    }

    @Test
    void deleteRemovesByIdAndByMetadata() {
        VectorStore s = stores.open("docs", 2, VectorMetric.COSINE);
        s.upsertAll(List.of(
                new VectorDocument("a#0", new float[] {1, 0}, Map.of("source", "a")),
                new VectorDocument("a#1", new float[] {1, 1}, Map.of("source", "a")),
                new VectorDocument("b#0", new float[] {0, 1}, Map.of("source", "b"))));

        assertThat(s.delete("b#0")).isTrue();
        assertThat(s.delete("b#0")).isFalse();
        assertThat(s.size()).isEqualTo(2);
        assertThat(s.deleteMatching(Map.of("source", "a"))).isEqualTo(2);
        assertThat(s.size()).isZero();
        assertThat(s.query(new float[] {1, 0}, 5, Map.of())).isEmpty();
    }

    @Test
    void filterKeepsOnlyDocumentsWhoseMetadataMatchesEveryEntry() {
        VectorStore s = stores.open("docs", 2, VectorMetric.COSINE);
        s.upsert("en-near", new float[] {1, 0.1f}, Map.of("lang", "en", "kind", "a"));
        s.upsert("de-nearest", new float[] {1, 0}, Map.of("lang", "de", "kind", "a"));
        s.upsert("en-far", new float[] {0, 1}, Map.of("lang", "en", "kind", "b"));

        assertThat(s.query(new float[] {1, 0}, 3, Map.of("lang", "en")))
                .extracting(VectorHit::id)
                .containsExactly("en-near", "en-far");
        assertThat(s.query(new float[] {1, 0}, 3, Map.of("lang", "en", "kind", "b")))
                .extracting(VectorHit::id)
                .containsExactly("en-far");
        assertThat(s.query(new float[] {1, 0}, 3, Map.of("lang", "fr"))).isEmpty();
    }

    @Test
    void documentsSurviveClosingAndReopening() {
        VectorStore s = stores.open("kept", 2, VectorMetric.DOT_PRODUCT);
        s.upsert("a", new float[] {1, 2}, Map.of("k", "v"));
        stores.close();

        stores = new LuceneVectorStores(null, dir, 100, 60_000);
        assertThat(stores.collections()).containsExactly("kept");
        VectorStore again = stores.find("kept").orElseThrow();
        assertThat(again.dimension()).isEqualTo(2);
        assertThat(again.metric()).isEqualTo(VectorMetric.DOT_PRODUCT);
        assertThat(again.query(new float[] {1, 0}, 1, Map.of()))
                .singleElement()
                .satisfies(h -> assertThat(h.metadata()).containsEntry("k", "v"));
    }

    @Test
    void periodicCommitMakesWritesDurableWithoutClose() throws Exception {
        stores.close();
        stores = new LuceneVectorStores(null, dir, 100, 50);
        stores.open("timed", 2, VectorMetric.COSINE).upsert("a", new float[] {1, 0}, Map.of());
        // a reader of the folder sees only committed documents; the bound is generous for a busy machine
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        int committed = 0;
        while (committed == 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
            try (var d = FSDirectory.open(dir.resolve("timed"));
                    var r = DirectoryReader.open(d)) {
                committed = r.numDocs();
            }
        }
        assertThat(committed).isEqualTo(1);
    }

    @Test
    void reopeningWithAnotherDimensionOrMetricFails() {
        stores.open("docs", 3, VectorMetric.COSINE);
        assertThatThrownBy(() -> stores.open("docs", 4, VectorMetric.COSINE))
                .isInstanceOf(StoaException.class)
                .hasMessageContaining("dimension 3");
        assertThatThrownBy(() -> stores.open("docs", 3, VectorMetric.DOT_PRODUCT))
                .hasMessageContaining("metric cosine");
    }

    @Test
    void badInputIsRefusedNamingTheFieldAndTheFix() {
        VectorStore s = stores.open("docs", 3, VectorMetric.COSINE);
        assertThatThrownBy(() -> s.upsert("a", new float[] {1, 2}, Map.of()))
                .isInstanceOf(StoaException.class)
                .satisfies(e -> assertThat(((StoaException) e).code()).isEqualTo(FailureCode.BAD_INPUT))
                .hasMessageStartingWith("'vector'")
                .hasMessageContaining("dimension 3");
        assertThatThrownBy(() -> s.query(new float[] {1, Float.NaN, 0}, 1, Map.of()))
                .hasMessageStartingWith("'vector[1]'")
                .hasMessageContaining("NaN");
        assertThatThrownBy(() -> s.upsert("a", new float[] {0, 0, 0}, Map.of())).hasMessageContaining("zero");
        assertThatThrownBy(() -> s.query(new float[] {1, 0, 0}, 0, Map.of())).hasMessageStartingWith("'k'");
        assertThatThrownBy(() -> stores.open("Bad Name", 3, VectorMetric.COSINE))
                .satisfies(e -> assertThat(((StoaException) e).code()).isEqualTo(FailureCode.BAD_INPUT))
                .hasMessageStartingWith("'collection'");
        assertThatThrownBy(() -> stores.open("../escape", 3, VectorMetric.COSINE))
                .hasMessageStartingWith("'collection'");
    }

    @Test
    void aBatchWithOneBadDocumentStoresNothing() {
        VectorStore s = stores.open("docs", 2, VectorMetric.COSINE);
        assertThatThrownBy(() -> s.upsertAll(List.of(
                        new VectorDocument("ok", new float[] {1, 0}),
                        new VectorDocument("bad", new float[] {1, 0, 0}))))
                .hasMessageStartingWith("'documents[1].vector'");
        assertThat(s.size()).isZero();
    }

    @Test
    void concurrentUpsertsAndQueriesLoseNothingAndSeeTheirOwnWrites() throws Exception {
        VectorStore s = stores.open("busy", 8, VectorMetric.COSINE);
        int threads = 4;
        int perThread = 100;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Integer>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    Random r = new Random(thread);
                    int found = 0;
                    for (int i = 0; i < perThread; i++) {
                        float[] v = new float[8];
                        for (int j = 0; j < 8; j++) {
                            v[j] = (float) r.nextGaussian();
                        }
                        String id = thread + "-" + i;
                        s.upsert(id, v, Map.of("thread", String.valueOf(thread)));
                        // its own vector, filtered to its own thread, must come back first at once
                        List<VectorHit> hits = s.query(v, 1, Map.of("thread", String.valueOf(thread)));
                        if (!hits.isEmpty() && hits.get(0).id().equals(id)) {
                            found++;
                        }
                    }
                    return found;
                }));
            }
            for (Future<Integer> f : done) {
                // a bound against hanging, not a timing: each query after a write reopens the index
                assertThat(f.get(300, TimeUnit.SECONDS)).isEqualTo(perThread);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(s.size()).isEqualTo((long) threads * perThread);
    }
}
