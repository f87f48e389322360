package dev.stoa.models.gpt.internal;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import dev.stoa.api.generation.Generation;
import dev.stoa.api.generation.GenerationRequest;
import dev.stoa.api.generation.TextGenerator;
import dev.stoa.api.generation.TokenListener;
import dev.stoa.nn.decode.DecodeResult;
import dev.stoa.nn.decode.Decoding;
import dev.stoa.nn.lm.LanguageModel;
import dev.stoa.nn.lm.LanguageModelSteps;
import dev.stoa.nn.text.ByteTokenizer;
import dev.stoa.nn.text.SpecialTokens;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A GPT variant as a {@link TextGenerator}, {@code stoa.id=gpt-<variant>}: the prompt becomes
 * {@code [SOT, bytes...]} (only its last L - 1 tokens are kept, so at least one new token fits), and
 * {@link Decoding} continues it with the key/value cache until the end-of-text token, a stop sequence, max_tokens or
 * the end of the context.
 *
 * <p>Weights come from {@code <modelDir>/gpt.params} (DJL's {@code saveParameters} format) when present; otherwise
 * the variant serves its random initial weights and every answer says {@code "trained": false}, as CLIP does.
 * Thread-safe: each call decodes in its own sub-manager over the shared, read-only parameters.
 */
final class GptGenerator implements TextGenerator, AutoCloseable {

    /** The parameter file in a model folder. */
    static final String PARAMETERS = "gpt.params";

    private final GptVariant variant;
    private final NDManager manager;
    private final LanguageModel model;
    private final ByteTokenizer tokenizer;
    private final Decoding decoding = new Decoding(SpecialTokens.END);
    private final boolean trained;

    private GptGenerator(GptVariant variant, NDManager manager, LanguageModel model, boolean trained) {
        this.variant = variant;
        this.manager = manager;
        this.model = model;
        this.tokenizer = new ByteTokenizer(model.maxSequenceLength());
        this.trained = trained;
    }

    /**
     * Builds a variant and loads its weights if {@code modelDir} has them.
     *
     * @param variant the variant
     * @param modelDir {@code data/models/gpt-<variant>}, which may not exist
     * @param engine the DJL engine, e.g. {@code PyTorch}
     * @return the generator
     * @throws StoaException {@code INTERNAL} naming the file if the weights cannot be read into this variant
     */
    static GptGenerator open(GptVariant variant, Path modelDir, String engine) {
        LanguageModel model = new GptFactory().create(variant.hyperparameters());
        NDManager manager = NDManager.newBaseManager(engine);
        Path params = modelDir.resolve(PARAMETERS);
        try {
            model.initialize(manager, DataType.FLOAT32, new Shape(1, 2));
            boolean trained = Files.isRegularFile(params);
            if (trained) {
                try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(params)))) {
                    model.loadParameters(manager, in);
                }
            }
            return new GptGenerator(variant, manager, model, trained);
        } catch (IOException | MalformedModelException | RuntimeException e) {
            manager.close();
            throw new StoaException(
                    FailureCode.INTERNAL,
                    "cannot load " + params + " into " + variant.id() + " (" + e.getMessage()
                            + "); it must be saved from the same variant",
                    e);
        }
    }

    /** @return the variant */
    GptVariant variant() {
        return variant;
    }

    /** @return whether the weights came from a parameter file rather than random initialisation */
    boolean trained() {
        return trained;
    }

    /** @return the block, for tests and a trainer */
    LanguageModel model() {
        return model;
    }

    @Override
    public Generation generate(GenerationRequest request, TokenListener listener) {
        return generate(request, listener, true);
    }

    /**
     * @param cached whether to decode with the key/value cache (the service always does; off to measure it)
     */
    Generation generate(GenerationRequest request, TokenListener listener, boolean cached) {
        long[] own = tokenizer.toIds(tail(request.prompt(), model.maxSequenceLength()));
        int kept = Math.min(own.length, model.maxSequenceLength() - 1 - 1);
        long[] prompt = new long[kept + 1];
        prompt[0] = SpecialTokens.START;
        System.arraycopy(own, own.length - kept, prompt, 1, kept);
        try (NDManager call = manager.newSubManager()) {
            DecodeResult r = decoding.generate(
                    new LanguageModelSteps(model, call, null, cached), prompt, request.options(), tokenizer, listener);
            return new Generation(r.text(), r.tokens().length, r.finishReason(), variant.id(), trained);
        }
    }

    /**
     * @param prompt a prompt of any length (the body limit bounds it, at 16 MB by default)
     * @param window the model's context, in tokens
     * @return its last {@code window} characters: every character is at least one byte token, so they hold every
     *     token the model keeps, and a long prompt is not tokenized whole (8 bytes a character) only to be cut
     */
    static String tail(String prompt, int window) {
        if (prompt.length() <= window) {
            return prompt;
        }
        int from = prompt.length() - window;
        // do not split a surrogate pair: start at its high half
        if (Character.isLowSurrogate(prompt.charAt(from)) && from > 0) {
            from--;
        }
        return prompt.substring(from);
    }

    @Override
    public void close() {
        manager.close();
    }
}
