package dev.stoa.models.vcgpt.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.stoa.nn.fusion.SelfEnsembling;
import dev.stoa.nn.text.ByteTokenizer;
import dev.stoa.nn.text.SpecialTokens;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Greedy captions from VC-GPT, a batch at a time: from the start token, each step runs the frozen language model and
 * the fusion module over the sequence so far and appends, per image, the argmax of the chosen logits at the last
 * position, until every caption has its end token or {@code max_tokens}. The whole sequence is run again each step
 * (no key/value cache: the fusion layers cross-attend, and captions are short), so the captions equal what
 * teacher-forced training scores. Deterministic; thread-safe (each call works in its own sub-manager).
 */
final class CaptionDecoder {

    private final VcGpt model;
    private final ByteTokenizer tokenizer;
    private final int maxTokens;

    /**
     * @param model an initialised model
     * @param config its variant: {@code caption_length}, {@code max_tokens}
     */
    CaptionDecoder(VcGpt model, VcGptConfig config) {
        this.model = model;
        this.tokenizer = new ByteTokenizer(config.captionLength());
        this.maxTokens = config.maxTokens();
    }

    /**
     * @param ps where the parameters are read
     * @param manager where the call's arrays live (a sub-manager is used and closed)
     * @param grid {@code [B * N * C]} row-major
     * @param tokens N
     * @param width C
     * @param member which logits to decode with
     * @return one caption per image
     */
    List<String> captions(
            ParameterStore ps, NDManager manager, float[] grid, int tokens, int width, SelfEnsembling member) {
        int batch = grid.length / (tokens * width);
        long[][] ids = new long[batch][maxTokens + 1];
        int[] lengths = new int[batch];
        boolean[] done = new boolean[batch];
        for (long[] row : ids) {
            row[0] = SpecialTokens.START;
        }
        Arrays.fill(lengths, 1);
        try (NDManager call = manager.newSubManager()) {
            NDArray g = call.create(grid, new Shape(batch, tokens, width));
            for (int t = 1; t <= maxTokens; t++) {
                long[] flat = new long[batch * t];
                for (int b = 0; b < batch; b++) {
                    System.arraycopy(ids[b], 0, flat, b * t, t);
                }
                try (NDManager step = call.newSubManager()) {
                    NDArray x = step.create(flat, new Shape(batch, t));
                    NDArray logits = model.logits(ps, g, x, member).get(":, -1, :");
                    long[] next = logits.argMax(1).toLongArray();
                    boolean all = true;
                    for (int b = 0; b < batch; b++) {
                        if (!done[b]) {
                            ids[b][t] = next[b];
                            lengths[b] = t + 1;
                            done[b] = next[b] == SpecialTokens.END;
                        }
                        all &= done[b];
                    }
                    if (all) {
                        break;
                    }
                }
            }
        }
        List<String> out = new ArrayList<>(batch);
        for (int b = 0; b < batch; b++) {
            long[] row = Arrays.copyOfRange(ids[b], 1, lengths[b]);
            out.add(tokenizer.toText(row).trim());
        }
        return out;
    }
}
