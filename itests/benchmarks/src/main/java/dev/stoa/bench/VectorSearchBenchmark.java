package dev.stoa.bench;

import dev.stoa.api.vector.VectorDocument;
import dev.stoa.api.vector.VectorHit;
import dev.stoa.api.vector.VectorMetric;
import dev.stoa.vectors.lucene.internal.LuceneVectorStore;
import dev.stoa.vectors.testing.LowRankVectors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;

/**
 * Recall@10 and query latency of the Lucene HNSW collection against exact brute-force search (issue 7, item 7):
 * {@code N} embedding-like vectors of dimension 384 (random mixtures of 32 random directions plus noise, normalised;
 * {@link LowRankVectors}), {@code Q} held-out queries, searched with several candidate counts, one query at a time,
 * the way a {@code vectors.<name>.query} call runs one query, with the collections' default search executor (one
 * thread per core, searching a query's segments in parallel). Latency covers the whole {@code query} call: the HNSW
 * search and reading the hits' ids and metadata. Measured twice: as indexed (several segments, as a collection is
 * while it is written), and after {@code optimize()} (one segment per search thread).
 *
 * <p>Not a JMH benchmark: recall is not a timing, and percentiles come from timing each query.
 *
 * <p>Run from {@code itests/benchmarks}, after the build:
 * {@code java -Xmx3g -cp target/benchmarks.jar dev.stoa.bench.VectorSearchBenchmark [N] [Q]}
 * (defaults 100000 and 1000). Writes {@code target/bench-report/vectors.json} ({@code -Dbench.report=DIR} to change)
 * with top-level {@code recall_at_10} and {@code query_ms} (p50) of the optimized index at the fewest candidates
 * reaching recall 0.95 (an operating point on the recall-latency curve, as ANN benchmarks report them; that count is
 * {@code query_candidates}), and {@code at_default_candidates} at the collection's default of 100.
 */
public final class VectorSearchBenchmark {

    private static final int DIMENSION = 384;
    private static final int RANK = 32;
    private static final float NOISE = 0.5f;
    private static final int K = 10;
    private static final int[] CANDIDATES = {10, 50, 70, 100, 200};
    /** The recall target: the top level reports the fastest candidate count reaching it. */
    private static final double RECALL_TARGET = 0.95;
    /** The collection's default (etc/dev.stoa.vectors.lucene.cfg), reported at the top level. */
    private static final int DEFAULT_CANDIDATES = 100;

    /** recall, p50 and p99 at the default candidate count, of the last {@link #measure} call. */
    private static double[] lastDefault;
    /** candidates, recall, p50 and p99 of the fewest candidates reaching {@link #RECALL_TARGET}, last call. */
    private static double[] lastAtTarget;

    private VectorSearchBenchmark() {}

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int q = args.length > 1 ? Integer.parseInt(args[1]) : 1_000;
        Path report = Path.of(System.getProperty("bench.report", "target/bench-report"));
        LowRankVectors gen = new LowRankVectors(7, DIMENSION, RANK, NOISE);
        float[][] data = gen.next(n);
        float[][] queries = gen.next(q);

        long t0 = System.nanoTime();
        int[][] exact = new int[q][];
        double[] exactMs = new double[q];
        for (int i = 0; i < q; i++) {
            long s = System.nanoTime();
            exact[i] = LowRankVectors.exactTopK(data, queries[i], K);
            exactMs[i] = (System.nanoTime() - s) / 1e6;
        }
        System.out.printf(
                Locale.ROOT,
                "exact brute force: %d queries in %.1f s, p50 %.2f ms%n",
                q,
                (System.nanoTime() - t0) / 1e9,
                percentile(exactMs, 50));

        Path dir = Files.createTempDirectory("stoa-vectors-bench");
        StringBuilder json = new StringBuilder();
        int threads = Runtime.getRuntime().availableProcessors();
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "vectors-search");
            t.setDaemon(true);
            return t;
        });
        try (LuceneVectorStore store = LuceneVectorStore.open(
                dir.resolve("bench"),
                "bench",
                DIMENSION,
                VectorMetric.COSINE,
                DEFAULT_CANDIDATES,
                threads == 1 ? null : pool,
                threads)) {
            long s = System.nanoTime();
            List<VectorDocument> batch = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                batch.add(new VectorDocument(String.valueOf(i), data[i], Map.of("shard", String.valueOf(i % 10))));
                if (batch.size() == 10_000 || i == n - 1) {
                    store.upsertAll(batch);
                    batch.clear();
                }
            }
            store.commit();
            double indexSeconds = (System.nanoTime() - s) / 1e9;
            System.out.printf(
                    Locale.ROOT,
                    "indexed %d x %d in %.1f s (%.0f vectors/s)%n",
                    n,
                    DIMENSION,
                    indexSeconds,
                    n / indexSeconds);
            String asIndexed = measure(store, queries, exact, "as indexed, " + store.segments() + " segments");
            s = System.nanoTime();
            store.optimize();
            double mergeSeconds = (System.nanoTime() - s) / 1e9;
            int merged = store.segments();
            System.out.printf(Locale.ROOT, "optimized to %d segments in %.1f s%n", merged, mergeSeconds);
            String optimized = measure(store, queries, exact, "optimized, " + merged + " segments");
            double[] top = lastAtTarget != null
                    ? lastAtTarget
                    : new double[] {DEFAULT_CANDIDATES, lastDefault[0], lastDefault[1], lastDefault[2]};
            json.append("{\n")
                    .append(String.format(Locale.ROOT, "  \"recall_at_10\": %.4f,%n", top[1]))
                    .append(String.format(Locale.ROOT, "  \"query_ms\": %.3f,%n", top[2]))
                    .append(String.format(Locale.ROOT, "  \"query_ms_p99\": %.3f,%n", top[3]))
                    .append(String.format(Locale.ROOT, "  \"query_candidates\": %d,%n", (int) top[0]))
                    .append(String.format(
                            Locale.ROOT,
                            "  \"at_default_candidates\": {\"recall_at_10\": %.4f,"
                                    + " \"query_ms\": %.3f, \"query_ms_p99\": %.3f},%n",
                            lastDefault[0],
                            lastDefault[1],
                            lastDefault[2]))
                    .append(String.format(Locale.ROOT, "  \"exact_query_ms\": %.3f,%n", percentile(exactMs, 50)))
                    .append(String.format(
                            Locale.ROOT,
                            "  \"vectors\": %d, \"dimension\": %d, \"rank\": %d,"
                                    + " \"noise\": %.2f, \"queries\": %d, \"k\": %d, \"default_candidates\": %d,%n",
                            n,
                            DIMENSION,
                            RANK,
                            NOISE,
                            q,
                            K,
                            DEFAULT_CANDIDATES))
                    .append(String.format(
                            Locale.ROOT,
                            "  \"index_seconds\": %.1f, \"merge_seconds\": %.1f," + " \"search_threads\": %d,%n",
                            indexSeconds,
                            mergeSeconds,
                            threads))
                    .append("  \"machine\": \"")
                    .append(machine())
                    .append("\",\n")
                    .append("  \"as_indexed\": ")
                    .append(asIndexed)
                    .append(",\n")
                    .append("  \"optimized_segments\": ")
                    .append(merged)
                    .append(",\n")
                    .append("  \"optimized\": ")
                    .append(optimized)
                    .append("\n}\n");
        } finally {
            pool.shutdown();
            deleteTree(dir);
        }
        Files.createDirectories(report);
        Files.writeString(report.resolve("vectors.json"), json);
        System.out.println(json);
        System.out.println("written to " + report.resolve("vectors.json").toAbsolutePath());
    }

    private static String measure(LuceneVectorStore store, float[][] queries, int[][] exact, String what) {
        // warm-up: JIT and the index's pages, with every candidate count
        for (int c : CANDIDATES) {
            for (int i = 0; i < Math.min(200, queries.length); i++) {
                store.query(queries[i], K, Map.of(), c);
            }
        }
        StringBuilder out = new StringBuilder("[");
        lastAtTarget = null;
        for (int c : CANDIDATES) {
            double[] ms = new double[queries.length];
            long found = 0;
            for (int i = 0; i < queries.length; i++) {
                long s = System.nanoTime();
                List<VectorHit> hits = store.query(queries[i], K, Map.of(), c);
                ms[i] = (System.nanoTime() - s) / 1e6;
                Set<String> truth = new HashSet<>();
                for (int id : exact[i]) {
                    truth.add(String.valueOf(id));
                }
                for (VectorHit h : hits) {
                    if (truth.contains(h.id())) {
                        found++;
                    }
                }
            }
            double recall = found / (double) (queries.length * K);
            double p50 = percentile(ms, 50);
            double p99 = percentile(ms, 99);
            System.out.printf(
                    Locale.ROOT,
                    "%s: candidates %3d: recall@10 %.3f, query p50 %.3f ms, p99 %.3f ms%n",
                    what,
                    c,
                    recall,
                    p50,
                    p99);
            if (c == DEFAULT_CANDIDATES) {
                lastDefault = new double[] {recall, p50, p99};
            }
            if (lastAtTarget == null && recall >= RECALL_TARGET) {
                lastAtTarget = new double[] {c, recall, p50, p99};
            }
            if (out.length() > 1) {
                out.append(", ");
            }
            out.append(String.format(
                    Locale.ROOT,
                    "{\"candidates\": %d, \"recall_at_10\": %.4f, \"query_ms_p50\": %.3f," + " \"query_ms_p99\": %.3f}",
                    c,
                    recall,
                    p50,
                    p99));
        }
        return out.append("]").toString();
    }

    private static double percentile(double[] values, double p) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    private static String machine() {
        return System.getProperty("os.name") + " " + System.getProperty("os.arch") + ", "
                + Runtime.getRuntime().availableProcessors() + " cores, Java " + System.getProperty("java.version")
                + ", max heap " + Runtime.getRuntime().maxMemory() / (1 << 20) + " MB";
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) all.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }
}
