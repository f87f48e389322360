package dev.stoa.models.coca.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.stoa.nn.text.ByteTokenizer;
import dev.stoa.nn.text.SpecialTokens;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Greedy captions, a batch at a time: the image side runs once; then, from {@code START}, each step runs both text
 * decoders over the tokens so far and appends the arg-max of the multimodal decoder's logits at the last position,
 * until every row has written {@code END} or the T positions are full. Deterministic: one image, one caption.
 */
final class CocaGreedy {

    private final Coca model;
    private final ByteTokenizer tokenizer;

    CocaGreedy(Coca model, ByteTokenizer tokenizer) {
        this.model = model;
        this.tokenizer = tokenizer;
    }

    /**
     * @param images {@code (B, 3, S, S)}, as {@link CocaPixels} makes them
     * @return one caption per image
     */
    List<String> captions(ParameterStore ps, NDArray images) {
        int b = (int) images.getShape().get(0);
        int t = model.config().textLength();
        long[] ids = new long[b * t];
        boolean[] done = new boolean[b];
        int[] length = new int[b];
        Arrays.fill(length, 1);
        for (int i = 0; i < b; i++) {
            ids[i * t] = SpecialTokens.START;
        }
        try (NDManager sub = images.getManager().newSubManager()) {
            NDArray q = model.encodeImage(ps, images, false).get(1);
            q.attach(sub);
            int open = b;
            for (int step = 0; step < t - 1 && open > 0; step++) {
                try (NDManager m = sub.newSubManager()) {
                    NDArray current = m.create(ids, new Shape(b, t));
                    long[] lengths = new long[b];
                    Arrays.fill(lengths, step + 1);
                    NDArray h = model.encodeText(ps, current, m.create(lengths), false)
                            .get(1);
                    NDArray logits = model.decode(ps, h, q, false).get(":, " + step + ", :");
                    long[] next = logits.argMax(1).toType(DataType.INT64, false).toLongArray();
                    for (int i = 0; i < b; i++) {
                        if (!done[i]) {
                            ids[i * t + step + 1] = next[i];
                            length[i] = step + 2;
                            if (next[i] == SpecialTokens.END || next[i] == SpecialTokens.PAD) {
                                done[i] = true;
                                open--;
                            }
                        }
                    }
                }
            }
        }
        List<String> out = new ArrayList<>(b);
        for (int i = 0; i < b; i++) {
            out.add(tokenizer
                    .toText(Arrays.copyOfRange(ids, i * t + 1, i * t + length[i]))
                    .trim());
        }
        return out;
    }
}
