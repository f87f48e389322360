package dev.stoa.models.coca.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.stoa.nn.decode.BatchGreedy;
import dev.stoa.nn.text.ByteTokenizer;
import dev.stoa.nn.text.SpecialTokens;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Greedy captions, a batch at a time: the image side runs once; then {@link BatchGreedy} runs both text decoders over
 * the tokens so far and takes the arg-max of the multimodal decoder's logits at the last position, until every row
 * has written {@code END} or the T positions are full. Deterministic: one image, one caption.
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
        long[][] ids;
        try (NDManager sub = images.getManager().newSubManager()) {
            NDArray q = model.encodeImage(ps, images, false).get(1);
            q.attach(sub);
            ids = BatchGreedy.decode(
                    sub,
                    b,
                    SpecialTokens.START,
                    t - 1,
                    (step, tokens) -> {
                        // the text decoders read all T positions (the rest padded), each row its first n
                        int n = (int) tokens.getShape().get(1);
                        NDArray padded =
                                n == t ? tokens : tokens.concat(step.zeros(new Shape(b, t - n), DataType.INT64), 1);
                        long[] lengths = new long[b];
                        Arrays.fill(lengths, n);
                        NDArray h = model.encodeText(ps, padded, step.create(lengths), false)
                                .get(1);
                        return model.decode(ps, h, q, false).get(":, " + (n - 1) + ", :");
                    },
                    SpecialTokens.END,
                    SpecialTokens.PAD);
        }
        List<String> out = new ArrayList<>(b);
        for (long[] row : ids) {
            out.add(tokenizer.toText(row).trim());
        }
        return out;
    }
}
