package dev.stoa.models.frozen.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.stoa.api.data.Image;
import dev.stoa.nn.image.ImagePixels;
import dev.stoa.nn.text.ByteTokenizer;
import dev.stoa.nn.text.SpecialTokens;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Greedy captions from Frozen, a batch at a time: the vision encoder writes each image's prefix once; from the start
 * token, each step runs the frozen language model over the prefix and the sequence so far and appends, per image, the
 * argmax at the last position, until every caption has its end token or {@code max_tokens}. The whole sequence is run
 * again each step (captions are short, the language model tiny), so the captions are what teacher-forced training
 * scores. With {@code zeroPrefix} the prefix is replaced by zeros: the ablation that shows how much the image matters.
 * Deterministic; thread-safe (each call works in its own sub-manager).
 */
final class CaptionDecoder {

    private final Frozen model;
    private final ByteTokenizer tokenizer;
    private final int maxTokens;

    /**
     * @param model an initialised model
     * @param config its variant: {@code caption_length}, {@code max_tokens}
     */
    CaptionDecoder(Frozen model, FrozenConfig config) {
        this.model = model;
        this.tokenizer = new ByteTokenizer(config.captionLength());
        this.maxTokens = config.maxTokens();
    }

    /**
     * @param ps where the parameters are read
     * @param manager where the call's arrays live (a sub-manager is used and closed)
     * @param images the images
     * @param imageSize S
     * @param zeroPrefix whether the prefix is zeroed (the ablation)
     * @return one caption per image
     */
    List<String> captions(ParameterStore ps, NDManager manager, List<Image> images, int imageSize, boolean zeroPrefix) {
        int batch = images.size();
        long[][] ids = new long[batch][maxTokens + 1];
        int[] lengths = new int[batch];
        boolean[] done = new boolean[batch];
        for (long[] row : ids) {
            row[0] = SpecialTokens.START;
        }
        Arrays.fill(lengths, 1);
        try (NDManager call = manager.newSubManager()) {
            NDArray prefix = model.prefix(ps, ImagePixels.batch(call, images, imageSize), false);
            if (zeroPrefix) {
                prefix = prefix.zerosLike();
            }
            for (int t = 1; t <= maxTokens; t++) {
                long[] flat = new long[batch * t];
                for (int b = 0; b < batch; b++) {
                    System.arraycopy(ids[b], 0, flat, b * t, t);
                }
                try (NDManager step = call.newSubManager()) {
                    NDArray x = step.create(flat, new Shape(batch, t));
                    // a copy in the step's manager, so that what the step computes from it is freed with the step
                    NDArray p = prefix.duplicate();
                    p.attach(step);
                    NDArray logits = model.logits(ps, p, x, false).get(":, -1, :");
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
