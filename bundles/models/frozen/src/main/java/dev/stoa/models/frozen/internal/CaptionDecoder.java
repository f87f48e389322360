package dev.stoa.models.frozen.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import dev.stoa.api.data.Image;
import dev.stoa.nn.decode.BatchGreedy;
import dev.stoa.nn.image.ImagePixels;
import dev.stoa.nn.text.ByteTokenizer;
import dev.stoa.nn.text.SpecialTokens;
import java.util.ArrayList;
import java.util.List;

/**
 * Greedy captions from Frozen, a batch at a time: the vision encoder writes each image's prefix once; then
 * {@link BatchGreedy} runs the frozen language model over the prefix and the sequence so far, step by step, until
 * every caption has its end token or {@code max_tokens}. With {@code zeroPrefix} the prefix is replaced by zeros: the ablation that shows how much the image matters.
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
        long[][] ids;
        try (NDManager call = manager.newSubManager()) {
            NDArray prefix = model.prefix(ps, ImagePixels.batch(call, images, imageSize), false);
            NDArray shown = zeroPrefix ? prefix.zerosLike() : prefix;
            ids = BatchGreedy.decode(
                    call,
                    images.size(),
                    SpecialTokens.START,
                    maxTokens,
                    (step, tokens) -> {
                        // a copy in the step's manager, so that what the step computes from it is freed with the step
                        NDArray p = shown.duplicate();
                        p.attach(step);
                        return model.logits(ps, p, tokens, false).get(":, -1, :");
                    },
                    SpecialTokens.END);
        }
        List<String> out = new ArrayList<>(ids.length);
        for (long[] row : ids) {
            out.add(tokenizer.toText(row).trim());
        }
        return out;
    }
}
