package dev.stoa.models.simvlm.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.stoa.api.StoaException;
import dev.stoa.api.data.Image;
import dev.stoa.api.generation.GenerationOptions;
import dev.stoa.api.generation.TokenListener;
import dev.stoa.nn.decode.Decoding;
import dev.stoa.nn.decode.StepFunction;
import dev.stoa.nn.image.ImagePixels;
import dev.stoa.nn.text.SpecialTokens;
import dev.stoa.nn.text.WordTokenizer;
import java.util.Arrays;
import java.util.List;

/**
 * One trained SimVLM version, as its services call it: the encoder reads the image and the prefix once, then
 * {@link Decoding} (greedy, {@code dev.stoa.nn.decode}) asks the decoder for the next token over the ids so far until
 * the end token. Thread-safe; owns the manager its parameters live in.
 */
final class SimVlmInference implements AutoCloseable {

    /** The longest request text, in characters: longer ones are refused before they are read. */
    static final int MAX_CHARACTERS = 2_000;

    private final String modelId;
    private final SimVlm model;
    private final WordTokenizer words;
    private final NDManager manager;

    SimVlmInference(String modelId, SimVlm model, WordTokenizer words, NDManager manager) {
        this.modelId = modelId;
        this.model = model;
        this.words = words;
        this.manager = manager;
    }

    String modelId() {
        return modelId;
    }

    SimVlmConfig config() {
        return model.config();
    }

    /** @return the greedy caption of an image: the continuation of an empty prefix */
    String caption(Image image) {
        return continuation(image, new long[0]);
    }

    /**
     * @param image the image
     * @param text the prefix, e.g. "two red"
     * @return its greedy continuation, e.g. "circles" (without the prefix)
     * @throws StoaException BAD_INPUT naming {@code text} if it is empty, too long or has more words than the
     *     prefix holds
     */
    String complete(Image image, String text) {
        if (text.isBlank()) {
            throw StoaException.badInput("text", "is empty; send the start of a caption such as 'two red'");
        }
        if (text.length() > MAX_CHARACTERS) {
            throw StoaException.badInput(
                    "text", "has " + text.length() + " characters; send at most " + MAX_CHARACTERS + " (a prefix)");
        }
        long[] prefix = words.toIds(text);
        if (prefix.length == 0) {
            throw StoaException.badInput("text", "has no words; send the start of a caption such as 'two red'");
        }
        if (prefix.length > config().maxWords()) {
            throw StoaException.badInput(
                    "text",
                    "has " + prefix.length + " words; this model reads a prefix of at most " + config().maxWords()
                            + " (its text_length is " + config().textLength() + ")");
        }
        return continuation(image, prefix);
    }

    private String continuation(Image image, long[] prefix) {
        SimVlmConfig c = config();
        try (NDManager m = manager.newSubManager()) {
            ParameterStore ps = new ParameterStore(manager, false);
            long[] padded = Arrays.copyOf(prefix, c.maxWords());
            SimVlm.Memory memory = model.encode(
                    ps,
                    ImagePixels.batch(m, List.of(image), c.imageSize()),
                    m.create(padded, new Shape(1, c.maxWords())),
                    m.create(new float[] {1f}),
                    false);
            StepFunction<long[]> steps = new StepFunction<>() {
                @Override
                public long[] start(long[] prompt) {
                    return prompt.clone();
                }

                @Override
                public float[] logits(long[] ids) {
                    try (NDManager step = m.newSubManager()) {
                        NDArray z = model.decode(ps, memory, step.create(ids, new Shape(1, ids.length)), false);
                        return z.get("0, -1, :").toFloatArray();
                    }
                }

                @Override
                public long[] next(long[] ids, long token) {
                    long[] out = Arrays.copyOf(ids, ids.length + 1);
                    out[ids.length] = token;
                    return out;
                }

                @Override
                public int maxSequenceLength() {
                    return c.textLength();
                }
            };
            return new Decoding(SpecialTokens.END)
                    .generate(
                            steps,
                            new long[] {SpecialTokens.START},
                            GenerationOptions.GREEDY,
                            words,
                            TokenListener.NONE)
                    .text()
                    .strip();
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}
