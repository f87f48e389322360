package dev.stoa.nn.decode;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;

/**
 * Greedy decoding of a batch at once, for captioners that run the whole sequence each step (no key/value cache:
 * their captions are short and their decoders cross-attend to an image): from the start token, each step asks the
 * model for the logits at the last position of every row and appends each row's arg-max, until every row has written
 * a stop token or the length is reached. Rows that stopped keep being run with the batch (a batch is one call) but
 * write nothing more. What teacher-forced training scores is what this writes, so a caption measures the model.
 *
 * <p>Each step runs in a sub-manager closed after it: what the model computes for a step is freed with it.
 * Deterministic; thread-safe as long as the model is.
 */
public final class BatchGreedy {

    private BatchGreedy() {}

    /** The model's next-token logits for a batch. */
    @FunctionalInterface
    public interface NextLogits {

        /**
         * @param step the step's manager: make arrays here, or attach copies of longer-lived ones
         * @param tokens {@code (B, t)} int64, the start token and what each row has written (stopped rows padded
         *     with the stop token they wrote)
         * @return {@code (B, V)}: the logits of the token after the last position
         */
        NDArray apply(NDManager step, NDArray tokens);
    }

    /**
     * @param manager where the call's arrays live (sub-managers are used and closed)
     * @param batch B
     * @param start the start token
     * @param maxNew the most tokens a row writes
     * @param model the logits
     * @param stops the tokens that end a row (written, not returned)
     * @return each row's tokens after the start token, up to its first stop token or {@code maxNew}
     */
    public static long[][] decode(
            NDManager manager, int batch, long start, int maxNew, NextLogits model, long... stops) {
        long[][] ids = new long[batch][maxNew + 1];
        int[] lengths = new int[batch];
        boolean[] done = new boolean[batch];
        for (long[] row : ids) {
            row[0] = start;
        }
        Arrays.fill(lengths, 1);
        int open = batch;
        for (int t = 1; t <= maxNew && open > 0; t++) {
            long[] flat = new long[batch * t];
            for (int b = 0; b < batch; b++) {
                System.arraycopy(ids[b], 0, flat, b * t, t);
                if (done[b]) {
                    // a stopped row repeats its stop token: a defined input, never read back
                    Arrays.fill(flat, b * t + lengths[b], (b + 1) * t, ids[b][lengths[b]]);
                }
            }
            try (NDManager step = manager.newSubManager()) {
                NDArray logits = model.apply(step, step.create(flat, new Shape(batch, t)));
                long[] next = logits.argMax(1).toType(DataType.INT64, false).toLongArray();
                for (int b = 0; b < batch; b++) {
                    if (done[b]) {
                        continue;
                    }
                    if (isStop(next[b], stops)) {
                        ids[b][lengths[b]] = next[b];
                        done[b] = true;
                        open--;
                    } else {
                        ids[b][lengths[b]++] = next[b];
                    }
                }
            }
        }
        long[][] out = new long[batch][];
        for (int b = 0; b < batch; b++) {
            out[b] = Arrays.copyOfRange(ids[b], 1, lengths[b]);
        }
        return out;
    }

    private static boolean isStop(long token, long[] stops) {
        for (long s : stops) {
            if (token == s) {
                return true;
            }
        }
        return false;
    }
}
