package dev.stoa.vectors.cuda.internal;

import static org.bytedeco.cuda.global.cublas.CUBLAS_OP_N;
import static org.bytedeco.cuda.global.cublas.CUBLAS_OP_T;
import static org.bytedeco.cuda.global.cublas.cublasSgemm_v2;
import static org.bytedeco.cuda.global.cudart.cudaFreeHost;
import static org.bytedeco.cuda.global.cudart.cudaMallocHost;
import static org.bytedeco.cuda.global.cudart.cudaMemcpy;
import static org.bytedeco.cuda.global.cudart.cudaMemcpyDeviceToDevice;
import static org.bytedeco.cuda.global.cudart.cudaMemcpyDeviceToHost;
import static org.bytedeco.cuda.global.cudart.cudaMemcpyHostToDevice;

import java.util.Arrays;
import java.util.stream.IntStream;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;

/**
 * FAISS's flat GPU index on cuBLAS: the rows in device memory ({@code N x D}, row-major), a batch of queries copied
 * to the device, one SGEMM scores them all ({@code S = X Q^T}), and the top-k of each query is selected on the host
 * from the scores copied back in chunks of at most {@code chunkBytes} (see the README for why on the host). The
 * buffers (queries, scores on the device, pinned scores on the host) are allocated once, grown when a larger batch
 * comes and reused, so repeated searches do not grow device memory.
 */
public final class CudaFlatIndex implements FlatIndex {

    private final CudaDevice device;
    private final int dimension;
    private final FlatMetric metric;
    private final long chunkBytes;

    /** Device address of the rows. */
    private long rows;
    /** Rows the allocation holds. */
    private int capacity;

    private int size;
    /** {@code |x|^2} per row, for {@link FlatMetric#L2}. */
    private float[] norms = new float[0];

    private long queries;
    private long queriesBytes;
    private long scores;
    private long scoresBytes;
    /** Pinned host memory the scores are copied to. */
    private Pointer hostScores;

    private long hostScoresBytes;
    private boolean closed;

    /**
     * @param device the GPU
     * @param dimension the length of every row
     * @param metric how rows are scored
     * @param chunkBytes most bytes of scores computed and copied back at once (a query batch times a run of rows)
     */
    public CudaFlatIndex(CudaDevice device, int dimension, FlatMetric metric, long chunkBytes) {
        if (dimension < 1) {
            throw new IllegalArgumentException("dimension is " + dimension + "; use 1 or more");
        }
        this.device = device;
        this.dimension = dimension;
        this.metric = metric;
        this.chunkBytes = Math.max(4L * 1024, chunkBytes);
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
        ensureCapacity(row + count);
        float[] prepared = new float[count * dimension];
        for (int i = 0; i < count; i++) {
            float[] v = metric.prepare(Arrays.copyOfRange(vectors, i * dimension, (i + 1) * dimension));
            System.arraycopy(v, 0, prepared, i * dimension, dimension);
            if (metric == FlatMetric.L2) {
                double s = 0;
                for (float x : v) {
                    s += (double) x * x;
                }
                norms[row + i] = (float) s;
            }
        }
        try (FloatPointer host = new FloatPointer(prepared)) {
            call(
                    cudaMemcpy(
                            DevicePointers.at(rows + (long) row * dimension * 4),
                            host,
                            (long) count * dimension * 4,
                            cudaMemcpyHostToDevice),
                    "cudaMemcpy (rows to the device)");
        }
        size = Math.max(size, row + count);
    }

    @Override
    public void move(int from, int to) {
        call(
                cudaMemcpy(
                        DevicePointers.at(rows + (long) to * dimension * 4),
                        DevicePointers.at(rows + (long) from * dimension * 4),
                        (long) dimension * 4,
                        cudaMemcpyDeviceToDevice),
                "cudaMemcpy (a row on the device)");
        norms[to] = norms[from];
    }

    @Override
    public void truncate(int size) {
        this.size = Math.min(this.size, size);
    }

    @Override
    public TopK.Hits[] search(float[] batch, int count, int k) {
        TopK[] tops = new TopK[count];
        float[] queryNorms = new float[count];
        float[] prepared = new float[count * dimension];
        for (int b = 0; b < count; b++) {
            tops[b] = new TopK(k);
            float[] q = metric.prepare(Arrays.copyOfRange(batch, b * dimension, (b + 1) * dimension));
            System.arraycopy(q, 0, prepared, b * dimension, dimension);
            double s = 0;
            for (float x : q) {
                s += (double) x * x;
            }
            queryNorms[b] = (float) s;
        }
        if (size > 0) {
            try {
                searchOnDevice(prepared, count, tops, queryNorms);
            } catch (CudaUnavailable e) {
                throw new IllegalStateException("GPU search failed: " + e.getMessage(), e);
            }
        }
        TopK.Hits[] out = new TopK.Hits[count];
        for (int b = 0; b < count; b++) {
            out[b] = tops[b].result();
        }
        return out;
    }

    private void searchOnDevice(float[] prepared, int count, TopK[] tops, float[] queryNorms) throws CudaUnavailable {
        long qBytes = (long) count * dimension * 4;
        if (qBytes > queriesBytes) {
            DevicePointers.free(queries);
            queries = 0;
            queries = DevicePointers.alloc(qBytes);
            queriesBytes = qBytes;
        }
        try (FloatPointer host = new FloatPointer(prepared)) {
            CudaDevice.check(
                    cudaMemcpy(DevicePointers.at(queries), host, qBytes, cudaMemcpyHostToDevice),
                    "cudaMemcpy (queries to the device)");
        }
        // rows per chunk: the scores of the whole batch against them fit in chunkBytes
        int chunkRows = (int) Math.max(1, Math.min(size, chunkBytes / (4L * count)));
        long sBytes = (long) chunkRows * count * 4;
        if (sBytes > scoresBytes) {
            DevicePointers.free(scores);
            scores = 0;
            scores = DevicePointers.alloc(sBytes);
            scoresBytes = sBytes;
        }
        if (sBytes > hostScoresBytes) {
            if (hostScores != null) {
                cudaFreeHost(hostScores);
                hostScores = null;
            }
            Pointer p = new Pointer((Pointer) null);
            CudaDevice.check(cudaMallocHost(p, sBytes), "cudaMallocHost(" + sBytes + " bytes)");
            hostScores = p;
            hostScoresBytes = sBytes;
        }
        FloatPointer host = new FloatPointer(hostScores);
        try (FloatPointer alpha = new FloatPointer(1f);
                FloatPointer beta = new FloatPointer(0f)) {
            for (int r0 = 0; r0 < size; r0 += chunkRows) {
                int m = Math.min(chunkRows, size - r0);
                // column-major view: the rows are X^T (D x m, ld D), the queries Q^T (D x B, ld D);
                // S = X Q^T is (m x B, ld m): each query's m scores lie together
                int s = cublasSgemm_v2(
                        device.blas(),
                        CUBLAS_OP_T,
                        CUBLAS_OP_N,
                        m,
                        count,
                        dimension,
                        alpha,
                        DevicePointers.floats(rows + (long) r0 * dimension * 4),
                        dimension,
                        DevicePointers.floats(queries),
                        dimension,
                        beta,
                        DevicePointers.floats(scores),
                        m);
                if (s != 0) {
                    throw new CudaUnavailable("cublasSgemm failed with cuBLAS status " + s);
                }
                CudaDevice.check(
                        cudaMemcpy(hostScores, DevicePointers.at(scores), (long) m * count * 4, cudaMemcpyDeviceToHost),
                        "cudaMemcpy (scores to the host)");
                select(host, m, r0, count, tops, queryNorms);
            }
        }
    }

    /** Offers each query's run of scores to its selection; queries in parallel for a large batch. */
    private void select(FloatPointer host, int m, int r0, int count, TopK[] tops, float[] queryNorms) {
        IntStream queriesRange = IntStream.range(0, count);
        if (count >= 4 && (long) m * count >= 1 << 20) {
            queriesRange = queriesRange.parallel();
        }
        queriesRange.forEach(b -> {
            float[] run = new float[m];
            new FloatPointer(host).position((long) b * m).get(run, 0, m);
            if (metric == FlatMetric.L2) {
                for (int i = 0; i < m; i++) {
                    run[i] = metric.fromDot(run[i], norms[r0 + i], queryNorms[b]);
                }
            }
            tops[b].offerAll(run, 0, m, r0);
        });
    }

    private void ensureCapacity(int needed) {
        if (needed <= capacity) {
            return;
        }
        int grown = (int) Math.min(Integer.MAX_VALUE - 8, Math.max(needed, Math.max(1024L, (long) capacity * 3 / 2)));
        long address;
        try {
            address = DevicePointers.alloc((long) grown * dimension * 4);
        } catch (CudaUnavailable e) {
            throw new IllegalStateException(
                    "the GPU has no room for " + grown + " x " + dimension + " floats: " + e.getMessage(), e);
        }
        if (size > 0) {
            call(
                    cudaMemcpy(
                            DevicePointers.at(address),
                            DevicePointers.at(rows),
                            (long) size * dimension * 4,
                            cudaMemcpyDeviceToDevice),
                    "cudaMemcpy (growing the rows)");
        }
        DevicePointers.free(rows);
        rows = address;
        capacity = grown;
        norms = Arrays.copyOf(norms, grown);
    }

    /** @return bytes of device memory this index holds */
    public long deviceBytes() {
        return (long) capacity * dimension * 4 + queriesBytes + scoresBytes;
    }

    @Override
    public String engine() {
        return "cuda";
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        DevicePointers.free(rows);
        DevicePointers.free(queries);
        DevicePointers.free(scores);
        if (hostScores != null) {
            cudaFreeHost(hostScores);
        }
        rows = queries = scores = 0;
        hostScores = null;
        capacity = size = 0;
    }

    private static void call(int status, String what) {
        try {
            CudaDevice.check(status, what);
        } catch (CudaUnavailable e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }
}
