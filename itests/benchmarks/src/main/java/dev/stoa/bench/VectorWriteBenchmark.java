package dev.stoa.bench;

import dev.stoa.api.vector.VectorDocument;
import dev.stoa.api.vector.VectorMetric;
import dev.stoa.vectors.lucene.internal.LuceneVectorStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Write throughput of a Lucene vector collection with and without durable writes (issue 14): with them an upsert
 * returns only once it is in the collection's write-ahead log, fsync'd, and concurrent writers share fsyncs (group
 * sync); without, the periodic commit makes writes durable later. Three loads, each on a fresh collection of 384-d unit vectors:
 *
 * <ul>
 *   <li>single upserts one after another from one thread (a client that waits for each answer);
 *   <li>single upserts from 16 threads at once (many clients; the HTTP gateway's worker pool runs them side by side);
 *   <li>batches of 100 documents from one thread ({@code {"documents": [...]}}).
 * </ul>
 *
 * <p>Run from the repository root after building {@code extensions/vectors-lucene}:
 * {@code java -cp itests/benchmarks/target/benchmarks.jar dev.stoa.bench.VectorWriteBenchmark [seconds]} (each load
 * runs about that long, default 10). Prints a Markdown table; the collection lives in a temporary folder on the
 * working directory's file system (fsync costs what that disk costs).
 */
public final class VectorWriteBenchmark {

    private static final int DIMENSION = 384;
    private static final int THREADS = 16;
    private static final int BATCH = 100;

    private VectorWriteBenchmark() {}

    public static void main(String[] args) throws Exception {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 10;
        Path dir = Files.createTempDirectory(Path.of("").toAbsolutePath(), "stoa-vector-writes");
        List<String> rows = new ArrayList<>();
        try {
            for (boolean durable : new boolean[] {false, true}) {
                rows.add(row(durable, "single, 1 thread", single(dir, durable, 1, seconds)));
                rows.add(row(durable, "single, " + THREADS + " threads", single(dir, durable, THREADS, seconds)));
                rows.add(row(durable, "batches of " + BATCH + ", 1 thread", batches(dir, durable, seconds)));
            }
        } finally {
            deleteTree(dir);
        }
        System.out.println();
        System.out.println("| durableWrites | load | documents/s | calls/s | log fsyncs |");
        System.out.println("| --- | --- | --- | --- | --- |");
        rows.forEach(System.out::println);
    }

    /** documents, calls, seconds, commits */
    private record Result(long documents, long calls, double seconds, long commits) {}

    private static String row(boolean durable, String load, Result r) {
        String line = String.format(
                Locale.ROOT,
                "| %s | %s | %.0f | %.0f | %d |",
                durable,
                load,
                r.documents / r.seconds,
                r.calls / r.seconds,
                r.commits);
        System.out.println(line);
        return line;
    }

    private static Result single(Path dir, boolean durable, int threads, double seconds) throws Exception {
        try (LuceneVectorStore store = open(dir, durable)) {
            long commitsBefore = commits(store);
            long deadline = System.nanoTime() + (long) (seconds * 1e9);
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            long t0 = System.nanoTime();
            List<Future<Long>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    Random r = new Random(thread);
                    long n = 0;
                    while (System.nanoTime() < deadline) {
                        store.upsert(thread + "-" + n, unit(r), Map.of());
                        n++;
                    }
                    return n;
                }));
            }
            long calls = 0;
            for (Future<Long> f : done) {
                calls += f.get(10, TimeUnit.MINUTES);
            }
            double took = (System.nanoTime() - t0) / 1e9;
            pool.shutdown();
            return new Result(calls, calls, took, commits(store) - commitsBefore);
        }
    }

    private static Result batches(Path dir, boolean durable, double seconds) throws Exception {
        try (LuceneVectorStore store = open(dir, durable)) {
            long commitsBefore = commits(store);
            Random r = new Random(7);
            long deadline = System.nanoTime() + (long) (seconds * 1e9);
            long t0 = System.nanoTime();
            long calls = 0;
            while (System.nanoTime() < deadline) {
                List<VectorDocument> batch = new ArrayList<>(BATCH);
                for (int i = 0; i < BATCH; i++) {
                    batch.add(new VectorDocument(calls + "-" + i, unit(r), Map.of()));
                }
                store.upsertAll(batch);
                calls++;
            }
            double took = (System.nanoTime() - t0) / 1e9;
            return new Result(calls * BATCH, calls, took, commits(store) - commitsBefore);
        }
    }

    private static int next;

    private static LuceneVectorStore open(Path dir, boolean durable) throws IOException {
        String name = "writes-" + (next++);
        return LuceneVectorStore.open(dir.resolve(name), name, DIMENSION, VectorMetric.COSINE, 100, null, 1, durable);
    }

    /** fsyncs of the store's write-ahead log: with durable writes, one per group of writes; without, none. */
    private static long commits(LuceneVectorStore store) {
        return store.logSyncs();
    }

    private static float[] unit(Random r) {
        float[] v = new float[DIMENSION];
        double s = 0;
        for (int i = 0; i < DIMENSION; i++) {
            v[i] = (float) r.nextGaussian();
            s += v[i] * v[i];
        }
        float n = (float) Math.sqrt(s);
        for (int i = 0; i < DIMENSION; i++) {
            v[i] /= n;
        }
        return v;
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
