package dev.stoa.models.clipcap.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.stoa.api.generation.GenerationOptions;
import dev.stoa.nn.decode.Decoding;
import dev.stoa.nn.lm.LanguageModelSteps;
import dev.stoa.nn.text.ByteTokenizer;
import dev.stoa.nn.text.SpecialTokens;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes captions with a ClipCap model: embeddings -> prefixes (one batch through the mapper) -> for each image,
 * {@link Decoding} from the start token after its prefix, with the decoder's key/value cache; greedy when
 * {@code beam_size} is 1, beam search otherwise. Thread-safe: each call works in its own sub-manager over the
 * read-only parameters.
 */
final class CaptionWriter {

    private static final long[] START = {SpecialTokens.START};

    private final ClipCap model;
    private final ByteTokenizer tokenizer;
    private final GenerationOptions options;
    private final Decoding decoding = new Decoding(SpecialTokens.END);

    /**
     * @param model an initialised model
     * @param config its variant: {@code beam_size} and {@code max_tokens}
     */
    CaptionWriter(ClipCap model, ClipCapConfig config) {
        this.model = model;
        this.tokenizer = new ByteTokenizer(config.captionLength());
        this.options = new GenerationOptions(config.maxTokens(), 0, 0, 1, config.beamSize(), List.of(), 0L);
    }

    /**
     * @param ps where the parameters are read
     * @param manager where the call's arrays live (a sub-manager is used and closed)
     * @param embeddings one CLIP image embedding (E) per image
     * @return one caption per image
     */
    List<String> write(ParameterStore ps, NDManager manager, float[][] embeddings) {
        List<String> out = new ArrayList<>(embeddings.length);
        try (NDManager call = manager.newSubManager()) {
            NDArray prefixes = model.prefix(ps, call.create(embeddings), false);
            for (int i = 0; i < embeddings.length; i++) {
                NDArray prefix = prefixes.get(i)
                        .reshape(new Shape(
                                1,
                                prefixes.getShape().get(1),
                                prefixes.getShape().get(2)));
                try (NDManager one = call.newSubManager()) {
                    out.add(decoding.generate(
                                    new LanguageModelSteps(model.decoder(), one, prefix, true),
                                    START,
                                    options,
                                    tokenizer,
                                    piece -> {})
                            .text()
                            .trim());
                }
            }
        }
        return out;
    }
}
