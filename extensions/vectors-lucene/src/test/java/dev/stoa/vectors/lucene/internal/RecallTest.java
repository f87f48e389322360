package dev.stoa.vectors.lucene.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoa.api.vector.VectorDocument;
import dev.stoa.api.vector.VectorHit;
import dev.stoa.api.vector.VectorMetric;
import dev.stoa.vectors.testing.LowRankVectors;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Recall@10 of the HNSW search against exact brute force on embedding-like (low-rank) data, small enough for a unit
 * test: 5000 x 64, rank 16. The timed, full-size measurement (100k x 384) is the benchmark
 * {@code VectorSearchBenchmark} in itests/benchmarks.
 */
class RecallTest {

    private static final int K = 10;

    @TempDir
    Path dir;

    @Test
    void theDefaultCandidateCountFindsNearlyAllExactNeighbours() throws Exception {
        LowRankVectors gen = new LowRankVectors(42, 64, 16, 0.5f);
        float[][] data = gen.next(5000);
        float[][] queries = gen.next(200);
        try (LuceneVectorStore s =
                LuceneVectorStore.open(dir.resolve("recall"), "recall", 64, VectorMetric.COSINE, 100)) {
            List<VectorDocument> docs = new ArrayList<>();
            for (int i = 0; i < data.length; i++) {
                docs.add(new VectorDocument(String.valueOf(i), data[i]));
            }
            s.upsertAll(docs);
            s.forceMerge(1);

            double recallDefault = recall(s, data, queries, 100);
            double recallNarrow = recall(s, data, queries, K);
            System.out.printf(
                    "[measure] recall@10 on 5000 x 64 rank-16 vectors: %.3f with 100 candidates," + " %.3f with 10%n",
                    recallDefault, recallNarrow);
            assertThat(recallDefault).isGreaterThanOrEqualTo(0.95);
            // more candidates cannot find fewer of the true neighbours
            assertThat(recallDefault).isGreaterThanOrEqualTo(recallNarrow);
        }
    }

    @Test
    void segmentsSearchedInParallelGiveTheHitsOfSequentialSearchAndOptimizeLeavesOnePerThread() throws Exception {
        LowRankVectors gen = new LowRankVectors(43, 64, 16, 0.5f);
        float[][] data = gen.next(4000);
        float[][] queries = gen.next(50);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (LuceneVectorStore sequential =
                        LuceneVectorStore.open(dir.resolve("seq"), "seq", 64, VectorMetric.COSINE, 100);
                LuceneVectorStore parallel =
                        LuceneVectorStore.open(dir.resolve("par"), "par", 64, VectorMetric.COSINE, 100, pool, 2)) {
            for (int part = 0; part < 4; part++) { // four flushes: four segments in each index
                List<VectorDocument> docs = new ArrayList<>();
                for (int i = part * 1000; i < (part + 1) * 1000; i++) {
                    docs.add(new VectorDocument(String.valueOf(i), data[i]));
                }
                sequential.upsertAll(docs);
                sequential.commit();
                parallel.upsertAll(docs);
                parallel.commit();
            }
            assertThat(parallel.segments()).isEqualTo(4);
            for (float[] q : queries) {
                assertThat(parallel.query(q, K, Map.of()).stream()
                                .map(VectorHit::id)
                                .toList())
                        .isEqualTo(sequential.query(q, K, Map.of()).stream()
                                .map(VectorHit::id)
                                .toList());
            }
            parallel.optimize();
            assertThat(parallel.segments()).as("one segment per search thread").isEqualTo(2);
            assertThat(parallel.size()).isEqualTo(4000);
            assertThat(recall(parallel, data, queries, 100)).isGreaterThanOrEqualTo(0.95);
        } finally {
            pool.shutdown();
        }
    }

    private static double recall(LuceneVectorStore s, float[][] data, float[][] queries, int candidates) {
        int found = 0;
        for (float[] q : queries) {
            Set<String> exact = new HashSet<>();
            for (int i : LowRankVectors.exactTopK(data, q, K)) {
                exact.add(String.valueOf(i));
            }
            for (VectorHit h : s.query(q, K, Map.of(), candidates)) {
                if (exact.contains(h.id())) {
                    found++;
                }
            }
        }
        return found / (double) (queries.length * K);
    }
}
