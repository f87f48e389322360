package dev.stoa.vectors.cuda.internal;

import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * The plain-Java exact search: the reference the GPU index is checked against (unit tests and the device check), and
 * a flat index in its own right. Scores are summed in double precision; queries run in parallel on the common pool.
 */
public final class CpuExactIndex implements FlatIndex {

    private final int dimension;
    private final FlatMetric metric;
    private float[] rows = new float[0];
    private int size;

    /**
     * @param dimension the length of every row
     * @param metric how rows are scored
     */
    public CpuExactIndex(int dimension, FlatMetric metric) {
        if (dimension < 1) {
            throw new IllegalArgumentException("dimension is " + dimension + "; use 1 or more");
        }
        this.dimension = dimension;
        this.metric = metric;
    }

    @Override
    public int dimension() {
        return dimension;
    }

    @Override
    public FlatMetric metric() {
        return metric;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public void put(int row, float[] vectors, int count) {
        if (row < 0 || row > size) {
            throw new IndexOutOfBoundsException("row " + row + " of " + size);
        }
        long needed = ((long) row + count) * dimension;
        if (needed > rows.length) {
            rows = Arrays.copyOf(rows, (int) Math.min(Integer.MAX_VALUE - 8, Math.max(needed, 2L * rows.length)));
        }
        for (int i = 0; i < count; i++) {
            float[] v = metric.prepare(Arrays.copyOfRange(vectors, i * dimension, (i + 1) * dimension));
            System.arraycopy(v, 0, rows, (row + i) * dimension, dimension);
        }
        size = Math.max(size, row + count);
    }

    @Override
    public void move(int from, int to) {
        System.arraycopy(rows, from * dimension, rows, to * dimension, dimension);
    }

    @Override
    public void truncate(int size) {
        this.size = Math.min(this.size, size);
    }

    @Override
    public TopK.Hits[] search(float[] queries, int count, int k) {
        TopK.Hits[] out = new TopK.Hits[count];
        IntStream.range(0, count).parallel().forEach(b -> {
            float[] q = metric.prepare(Arrays.copyOfRange(queries, b * dimension, (b + 1) * dimension));
            TopK top = new TopK(k);
            for (int r = 0; r < size; r++) {
                top.offer((float) metric.score(q, rows, r * dimension), r);
            }
            out[b] = top.result();
        });
        return out;
    }

    /**
     * @param row a row
     * @return its components as stored (prepared)
     */
    public float[] row(int row) {
        return Arrays.copyOfRange(rows, row * dimension, (row + 1) * dimension);
    }

    @Override
    public String engine() {
        return "cpu";
    }

    @Override
    public void close() {
        rows = new float[0];
        size = 0;
    }
}
