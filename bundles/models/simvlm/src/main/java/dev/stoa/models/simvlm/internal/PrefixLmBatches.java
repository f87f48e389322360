package dev.stoa.models.simvlm.internal;

import dev.stoa.api.dataset.Example;
import dev.stoa.models.simvlm.internal.SceneText.Scene;
import dev.stoa.nn.text.SpecialTokens;
import dev.stoa.nn.text.WordTokenizer;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Turns a batch of scenes into SimVLM's prefix-LM rows. Each row is a caption of its scene (one of three templates,
 * drawn) of n words, cut at a random point: the first k words are the prefix the encoder reads, the other n - k the
 * suffix the decoder writes, followed by the end token; the loss is on the suffix only.
 *
 * <ul>
 *   <li>an image-text row (the paper's ALIGN pairs): the image is shown, k uniform in 0 .. n - 1 (an empty prefix is
 *       captioning);
 *   <li>a text-only row ({@code text_only_fraction} of them; the paper's C4): the image is dropped (its tokens
 *       masked out of the encoder), k uniform in 1 .. n - 1, so the prefix is never empty.
 * </ul>
 *
 * <pre>
 * prefix   = [w_1 .. w_k, PAD ..]                  (T - 2)   what the encoder reads beside the image
 * decoder  = [START, w_{k+1} .. w_n, PAD ..]       (T)       the decoder's input, shifted right
 * targets  = [w_{k+1} .. w_n, END, PAD ..]         (T)       what it must write; PAD (0) is ignored by the loss
 * shown    = 1 for an image-text row, 0 for text only
 * </pre>
 */
final class PrefixLmBatches {

    /** A batch: prefix ids, whether the image is shown, decoder input ids, target ids. */
    record Batch(long[][] prefix, float[] shown, long[][] decoder, long[][] targets) {}

    private final SimVlmConfig config;
    private final WordTokenizer words;

    PrefixLmBatches(SimVlmConfig config, WordTokenizer words) {
        this.config = config;
        this.words = words;
    }

    Batch make(List<Example> examples, SplittableRandom random) {
        int b = examples.size();
        Batch out = new Batch(
                new long[b][config.maxWords()],
                new float[b],
                new long[b][config.textLength()],
                new long[b][config.textLength()]);
        for (int i = 0; i < b; i++) {
            Scene scene = SceneText.scene(examples.get(i));
            long[] caption = words.toIds(SceneText.caption(scene, random.nextInt(SceneText.TEMPLATES)));
            boolean textOnly = random.nextDouble() < config.textOnlyFraction();
            int k = textOnly ? 1 + random.nextInt(caption.length - 1) : random.nextInt(caption.length);
            write(caption, k, i, out);
            out.shown()[i] = textOnly ? 0f : 1f;
        }
        return out;
    }

    /** Writes row {@code i}: the first {@code k} ids of {@code caption} as the prefix, the others as the suffix. */
    void write(long[] caption, int k, int i, Batch out) {
        if (caption.length > config.maxWords() || k < 0 || k > caption.length) {
            throw new IllegalArgumentException("a caption of " + caption.length + " words cut at " + k
                    + " does not fit text_length " + config.textLength());
        }
        System.arraycopy(caption, 0, out.prefix()[i], 0, k);
        out.decoder()[i][0] = SpecialTokens.START;
        System.arraycopy(caption, k, out.decoder()[i], 1, caption.length - k);
        System.arraycopy(caption, k, out.targets()[i], 0, caption.length - k);
        out.targets()[i][caption.length - k] = SpecialTokens.END;
    }
}
