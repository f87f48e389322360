package dev.stoa.nn.decode;

import dev.stoa.api.generation.FinishReason;

/**
 * What {@link Decoding} produced.
 *
 * @param tokens the generated ids, without the prompt and without the end-of-text token
 * @param text the generated text, cut before the first stop sequence
 * @param finishReason {@code STOP} (end-of-text token or stop sequence) or {@code LENGTH}
 */
public record DecodeResult(long[] tokens, String text, FinishReason finishReason) {}
