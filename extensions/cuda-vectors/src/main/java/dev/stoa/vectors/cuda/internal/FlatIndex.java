package dev.stoa.vectors.cuda.internal;

/**
 * Rows of fixed dimension searched exactly, as FAISS's flat indexes: every query is scored against every row. Rows
 * are addressed by position {@code 0 .. size-1}; the caller keeps them dense (a delete moves the last row into the
 * hole). Not thread-safe: the caller serialises writes and searches.
 */
public interface FlatIndex extends AutoCloseable {

    /** @return the length of every row */
    int dimension();

    /** @return how rows are scored */
    FlatMetric metric();

    /** @return the rows held */
    int size();

    /**
     * Writes rows, prepared by the index ({@link FlatMetric#prepare}).
     *
     * @param row the first row to write, at most {@link #size()}; rows past the end are appended
     * @param vectors {@code count} rows of {@link #dimension()} components, one after another
     * @param count how many rows
     */
    void put(int row, float[] vectors, int count);

    /** Copies row {@code from} over row {@code to}. */
    void move(int from, int to);

    /** Drops the rows from {@code size} on. */
    void truncate(int size);

    /**
     * Scores every query against every row and keeps the best {@code k} of each.
     *
     * @param queries {@code count} queries of {@link #dimension()} components, one after another (not prepared)
     * @param count how many queries
     * @param k how many hits per query
     * @return one {@link TopK.Hits} per query, best first
     */
    TopK.Hits[] search(float[] queries, int count, int k);

    /** @return the engine, e.g. {@code cpu} or {@code cuda} */
    String engine();

    /** Frees what the index holds (device memory for a GPU index). */
    @Override
    void close();
}
