package dev.stoa.nn.decode;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Batch greedy decoding against a model whose next token is a known function of the row and what it has written, so
 * every step's input and every row's output can be checked exactly.
 */
class BatchGreedyTest {

    private static final int VOCAB = 10;
    private static final long START = 1;
    private static final long END = 2;

    /** Row 0 counts 3, 4, 5, ... and never stops; row 1 writes 5, 6 then END; row 2 writes END at once. */
    private static long next(int row, long[] written) {
        int t = written.length;
        return switch (row) {
            case 0 -> 3 + (t - 1) % 6;
            case 1 -> t == 1 ? 5 : t == 2 ? 6 : END;
            default -> END;
        };
    }

    @Test
    void eachRowStopsAtItsStopTokenOrTheLength() {
        List<long[][]> inputs = new ArrayList<>();
        try (NDManager m = NDManager.newBaseManager()) {
            long[][] out = BatchGreedy.decode(
                    m,
                    3,
                    START,
                    5,
                    (step, tokens) -> {
                        int b = (int) tokens.getShape().get(0);
                        int t = (int) tokens.getShape().get(1);
                        long[] flat = tokens.toLongArray();
                        long[][] rows = new long[b][t];
                        float[] logits = new float[b * VOCAB];
                        for (int r = 0; r < b; r++) {
                            System.arraycopy(flat, r * t, rows[r], 0, t);
                            logits[r * VOCAB + (int) next(r, rows[r])] = 1f;
                        }
                        inputs.add(rows);
                        return step.create(logits, new ai.djl.ndarray.types.Shape(b, VOCAB));
                    },
                    END);
            assertThat(out[0]).containsExactly(3, 4, 5, 6, 7);
            assertThat(out[1]).containsExactly(5, 6);
            assertThat(out[2]).isEmpty();
        }
        assertThat(inputs).hasSize(5);
        assertThat(inputs.get(0)).isDeepEqualTo(new long[][] {{START}, {START}, {START}});
        assertThat(inputs.get(2)[0]).containsExactly(START, 3, 4);
        assertThat(inputs.get(2)[1]).containsExactly(START, 5, 6);
        // a stopped row is still run with the batch, padded with its stop token
        assertThat(inputs.get(3)[1]).containsExactly(START, 5, 6, END);
        assertThat(inputs.get(3)[2]).containsExactly(START, END, END, END);
    }

    @Test
    void decodingEndsAsSoonAsEveryRowStopped() {
        int[] calls = {0};
        try (NDManager m = NDManager.newBaseManager()) {
            long[][] out = BatchGreedy.decode(
                    m,
                    2,
                    START,
                    50,
                    (step, tokens) -> {
                        calls[0]++;
                        float[] logits = new float[2 * VOCAB];
                        logits[(int) END] = 1f;
                        logits[VOCAB + 7] = calls[0] < 3 ? 1f : 0f;
                        logits[VOCAB + 0] = calls[0] < 3 ? 0f : 1f;
                        return step.create(logits, new ai.djl.ndarray.types.Shape(2, VOCAB));
                    },
                    END,
                    0);
            assertThat(out[0]).isEmpty();
            assertThat(out[1]).containsExactly(7, 7);
        }
        assertThat(calls[0]).isEqualTo(3);
    }
}
