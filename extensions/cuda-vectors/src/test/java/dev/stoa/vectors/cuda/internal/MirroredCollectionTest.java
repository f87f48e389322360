package dev.stoa.vectors.cuda.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoa.api.StoaException;
import dev.stoa.api.vector.VectorDocument;
import dev.stoa.api.vector.VectorHit;
import dev.stoa.api.vector.VectorMetric;
import dev.stoa.vectors.lucene.internal.LuceneVectorStore;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The mirror over a real Lucene collection, with the CPU index in the GPU's place. */
class MirroredCollectionTest {

    @TempDir
    Path dir;

    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    private LuceneVectorStore lucene(String name, int d, VectorMetric metric) throws Exception {
        LuceneVectorStore s = LuceneVectorStore.open(dir.resolve(name), name, d, metric, 100);
        open.add(s);
        return s;
    }

    @Test
    void unfilteredQueriesAreExactAndEqualTheBruteForceOfWhatLuceneHolds() throws Exception {
        int d = 16;
        LuceneVectorStore store = lucene("texts", d, VectorMetric.COSINE);
        Random random = new Random(5);
        List<VectorDocument> docs = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            float[] v = new float[d];
            for (int j = 0; j < d; j++) {
                v[j] = (float) random.nextGaussian();
            }
            docs.add(new VectorDocument("d" + i, v, Map.of("n", Integer.toString(i))));
        }
        store.upsertAll(docs.subList(0, 300)); // before the mirror: loaded from Lucene
        MirroredCollection mirror = new MirroredCollection(store, new CpuExactIndex(d, FlatMetric.COSINE));
        open.add(mirror);
        mirror.reload();
        mirror.upsertAll(docs.subList(300, 600)); // through the mirror: applied to both

        for (int t = 0; t < 10; t++) {
            float[] q = docs.get(random.nextInt(600)).vector().clone();
            q[0] += 0.5f;
            List<VectorHit> hits = mirror.query(q, 10, Map.of());

            float[] uq = FlatMetric.COSINE.prepare(q);
            float[] scores = new float[600];
            for (int i = 0; i < 600; i++) {
                scores[i] = (float) FlatMetric.COSINE.score(
                        uq, FlatMetric.COSINE.prepare(docs.get(i).vector()), 0);
            }
            TopK.Hits expected = TopK.select(scores, 10);
            assertThat(hits)
                    .extracting(VectorHit::id)
                    .containsExactly(java.util.Arrays.stream(expected.rows())
                            .mapToObj(i -> "d" + i)
                            .toArray(String[]::new));
            assertThat(hits.get(0).score()).isCloseTo(expected.scores()[0], Offset.offset(1e-5));
            assertThat(hits.get(0).metadata()).containsKey("n");
        }
        assertThat(mirror.reloads()).isEqualTo(1);
    }

    @Test
    void replacesAndDeletesThroughTheMirrorKeepItCurrentWithoutAReload() throws Exception {
        LuceneVectorStore store = lucene("dots", 2, VectorMetric.DOT_PRODUCT);
        MirroredCollection mirror = new MirroredCollection(store, new CpuExactIndex(2, FlatMetric.INNER_PRODUCT));
        open.add(mirror);
        mirror.reload();
        mirror.upsert("a", new float[] {1, 0}, Map.of("g", "x"));
        mirror.upsert("b", new float[] {2, 0}, Map.of("g", "y"));
        mirror.upsert("c", new float[] {3, 0}, Map.of("g", "x"));
        mirror.upsert("a", new float[] {10, 0}, Map.of("g", "z")); // replaces a
        assertThat(mirror.delete("b")).isTrue();

        List<VectorHit> hits = mirror.query(new float[] {1, 0}, 5, Map.of());

        assertThat(hits).extracting(VectorHit::id).containsExactly("a", "c");
        assertThat(hits).extracting(VectorHit::score).containsExactly(10.0, 3.0);
        assertThat(hits.get(0).metadata()).containsExactly(Map.entry("g", "z"));
        assertThat(mirror.deleteMatching(Map.of("g", "x"))).isEqualTo(1);
        assertThat(mirror.query(new float[] {1, 0}, 5, Map.of()))
                .extracting(VectorHit::id)
                .containsExactly("a");
        assertThat(mirror.reloads()).isEqualTo(1); // only the first load
    }

    @Test
    void aWriteBehindTheMirrorsBackIsSeenByTheNextQuery() throws Exception {
        LuceneVectorStore store = lucene("shared", 2, VectorMetric.DOT_PRODUCT);
        MirroredCollection mirror = new MirroredCollection(store, new CpuExactIndex(2, FlatMetric.INNER_PRODUCT));
        open.add(mirror);
        mirror.upsert("a", new float[] {1, 0}, Map.of());
        store.upsert("direct", new float[] {5, 0}, Map.of()); // another writer holding the Lucene collection

        List<VectorHit> hits = mirror.query(new float[] {1, 0}, 5, Map.of());

        assertThat(hits).extracting(VectorHit::id).containsExactly("direct", "a");
        assertThat(mirror.reloads()).isEqualTo(1);
    }

    @Test
    void filteredQueriesGoToLuceneAndBadInputIsRefusedNamingTheField() throws Exception {
        LuceneVectorStore store = lucene("filtered", 2, VectorMetric.COSINE);
        MirroredCollection mirror = new MirroredCollection(store, new CpuExactIndex(2, FlatMetric.COSINE));
        open.add(mirror);
        mirror.upsert("x", new float[] {1, 0}, Map.of("lang", "en"));
        mirror.upsert("y", new float[] {0.9f, 0.1f}, Map.of("lang", "fr"));

        assertThat(mirror.query(new float[] {1, 0}, 5, Map.of("lang", "fr")))
                .extracting(VectorHit::id)
                .containsExactly("y");
        assertThatThrownBy(() -> mirror.query(new float[] {1, 0, 0}, 5, Map.of()))
                .isInstanceOf(StoaException.class)
                .hasMessageContaining("'vector'")
                .hasMessageContaining("dimension 2");
        assertThatThrownBy(() -> mirror.query(new float[] {1, 0}, 0, Map.of())).hasMessageContaining("'k'");
    }

    @Test
    void theBusServicesAnswerTheLuceneBundlesJson() throws Exception {
        LuceneVectorStore store = lucene("bus", 2, VectorMetric.COSINE);
        MirroredCollection mirror = new MirroredCollection(store, new CpuExactIndex(2, FlatMetric.COSINE));
        open.add(mirror);

        JsonObject up = GpuCollectionServices.upsert(
                mirror,
                new JsonObject()
                        .put(
                                "documents",
                                new JsonArray()
                                        .add(new JsonObject()
                                                .put("id", "a")
                                                .put(
                                                        "embedding",
                                                        new JsonArray().add(1).add(0)))
                                        .add(new JsonObject()
                                                .put("id", "b")
                                                .put(
                                                        "embedding",
                                                        new JsonArray().add(0).add(1)))));
        JsonObject answer = GpuCollectionServices.query(
                mirror,
                new JsonObject()
                        .put("embedding", new JsonArray().add(1).add(0.1))
                        .put("k", 1));

        assertThat(up.getInteger("upserted")).isEqualTo(2);
        assertThat(answer.getJsonArray("hits")).hasSize(1);
        assertThat(answer.getJsonArray("hits").getJsonObject(0).getString("id")).isEqualTo("a");
        assertThatThrownBy(() ->
                        GpuCollectionServices.query(mirror, new JsonObject().put("embedding", new JsonArray().add(1))))
                .hasMessageStartingWith("'embedding'");
        JsonObject engine = GpuCollectionServices.engine(CollectionEngine.gpu("bus", "a GPU"), mirror);
        assertThat(engine.getString("engine")).isEqualTo("cuda");
        assertThat(engine.getLong("size")).isEqualTo(2L);
    }
}
