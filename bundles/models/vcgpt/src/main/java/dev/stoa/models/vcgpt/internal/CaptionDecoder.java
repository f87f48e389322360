package dev.stoa.models.vcgpt.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.stoa.nn.decode.BatchGreedy;
import dev.stoa.nn.fusion.SelfEnsembling;
import dev.stoa.nn.text.ByteTokenizer;
import dev.stoa.nn.text.SpecialTokens;
import java.util.ArrayList;
import java.util.List;

/**
 * Greedy captions from VC-GPT, a batch at a time ({@link BatchGreedy}): each step runs the frozen language model and
 * the fusion module over the sequence so far and takes the arg-max of the chosen logits at the last position, until
 * every caption has its end token or {@code max_tokens}. Deterministic; thread-safe (each call works in its own sub-manager).
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
        long[][] ids;
        try (NDManager call = manager.newSubManager()) {
            NDArray g = call.create(grid, new Shape(batch, tokens, width));
            ids = BatchGreedy.decode(
                    call,
                    batch,
                    SpecialTokens.START,
                    maxTokens,
                    (step, x) -> model.logits(ps, g, x, member).get(":, -1, :"),
                    SpecialTokens.END);
        }
        List<String> out = new ArrayList<>(batch);
        for (long[] row : ids) {
            out.add(tokenizer.toText(row).trim());
        }
        return out;
    }
}
