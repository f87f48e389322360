package dev.stoa.api.service;

import dev.stoa.api.BatchingService;
import dev.stoa.api.data.Embedding;
import dev.stoa.api.data.Text;
import java.util.List;

/**
 * Turns text into one vector, shape {@code (D)}: a sentence encoder, or the text tower of a CLIP-style model.
 * Register with {@code stoa.kind=encoder}.
 *
 * <p>A text encoder is a {@link BatchingService}: {@link #callBatch} is {@link #encodeBatch}, so the bus can batch
 * concurrent calls to it when its configuration asks for that.
 */
public interface TextEncoder extends BatchingService<Text, Embedding> {

    /** @return {@code D}, the length of every embedding this encoder returns */
    int dimension();

    /** @return the longest input in tokens; longer inputs are truncated to it (documented by the implementation) */
    int maxTokens();

    /**
     * Encodes several texts in one forward pass, shape {@code (B) -> (B, D)}.
     *
     * @param texts the inputs, at least one
     * @return one embedding per input, in order
     */
    List<Embedding> encodeBatch(List<Text> texts);

    @Override
    default Class<Text> inputType() {
        return Text.class;
    }

    @Override
    default Class<Embedding> outputType() {
        return Embedding.class;
    }

    @Override
    default Embedding call(Text input) {
        return encodeBatch(List.of(input)).get(0);
    }

    /** {@link #encodeBatch}. */
    @Override
    default List<Embedding> callBatch(List<Text> inputs) {
        return encodeBatch(inputs);
    }
}
