package dev.stoa.api.generation;

import dev.stoa.api.StoaException;
import java.util.List;

/**
 * How to decode. Greedy when {@code temperature} is 0 (the default) and {@code beamSize} is 1; sampling otherwise,
 * from the distribution scaled by {@code 1/temperature}, cut to the {@code topK} most likely tokens and then to the
 * smallest set whose probability reaches {@code topP} (nucleus sampling, Holtzman et al. 2020). Beam search when
 * {@code beamSize > 1}: it ignores temperature, top-k and top-p and keeps the {@code beamSize} prefixes with the
 * highest length-normalised log-probability.
 *
 * @param maxTokens the most new tokens to produce, 1 to {@link #MAX_MAX_TOKENS}
 * @param temperature 0 (greedy) or a positive scale of the logits
 * @param topK keep the k most likely tokens before sampling; 0 keeps all; at most {@link #MAX_TOP_K}
 * @param topP keep the smallest set of tokens whose probability is at least p, in (0, 1]; 1 keeps all
 * @param beamSize 1 (no beam search) or the number of beams, at most {@link #MAX_BEAM_SIZE}
 * @param stop stop sequences: generation ends before the first one, which is not part of the text; at most 8
 * @param seed the sampling seed, for reproducible output; {@code null} draws a fresh one each call
 */
public record GenerationOptions(
        int maxTokens, double temperature, int topK, double topP, int beamSize, List<String> stop, Long seed) {

    /** The default of {@link #maxTokens()}. */
    public static final int DEFAULT_MAX_TOKENS = 32;
    /** The most stop sequences accepted. */
    public static final int MAX_STOP_SEQUENCES = 8;
    /** The longest stop sequence accepted, in characters. */
    public static final int MAX_STOP_LENGTH = 256;
    /** The most beams accepted: each beam is a decoder state held for the whole call. */
    public static final int MAX_BEAM_SIZE = 16;
    /**
     * The largest {@code max_tokens} accepted by any generator (each model may hold fewer: its context length ends
     * generation first, with {@code finish_reason} {@code length}).
     */
    public static final int MAX_MAX_TOKENS = 1 << 20;
    /** The largest {@code top_k} accepted; more than a vocabulary's size keeps every token. */
    public static final int MAX_TOP_K = 1 << 20;

    /** Greedy decoding of up to {@link #DEFAULT_MAX_TOKENS} tokens. */
    public static final GenerationOptions GREEDY =
            new GenerationOptions(DEFAULT_MAX_TOKENS, 0, 0, 1, 1, List.of(), null);

    /**
     * @throws StoaException {@code BAD_INPUT} naming the field (as in JSON) and its valid range
     */
    public GenerationOptions {
        if (maxTokens < 1 || maxTokens > MAX_MAX_TOKENS) {
            throw StoaException.badInput(
                    "max_tokens", "is " + maxTokens + "; use a whole number from 1 to " + MAX_MAX_TOKENS);
        }
        if (!(temperature >= 0) || Double.isInfinite(temperature)) {
            throw StoaException.badInput("temperature", "is " + temperature + "; use 0 (greedy) or a positive number");
        }
        if (topK < 0 || topK > MAX_TOP_K) {
            throw StoaException.badInput(
                    "top_k", "is " + topK + "; use 0 (no cut) or a whole number up to " + MAX_TOP_K);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw StoaException.badInput("top_p", "is " + topP + "; use a number in (0, 1], 1 for no cut");
        }
        if (beamSize < 1 || beamSize > MAX_BEAM_SIZE) {
            throw StoaException.badInput(
                    "beam_size", "is " + beamSize + "; use 1 (no beam search) up to " + MAX_BEAM_SIZE + " beams");
        }
        stop = stop == null ? List.of() : List.copyOf(stop);
        if (stop.size() > MAX_STOP_SEQUENCES) {
            throw StoaException.badInput(
                    "stop", "has " + stop.size() + " sequences; send at most " + MAX_STOP_SEQUENCES);
        }
        for (int i = 0; i < stop.size(); i++) {
            if (stop.get(i).isEmpty()) {
                throw StoaException.badInput("stop[" + i + "]", "is empty; remove it or send a non-empty string");
            }
            if (stop.get(i).length() > MAX_STOP_LENGTH) {
                throw StoaException.badInput(
                        "stop[" + i + "]",
                        "has " + stop.get(i).length() + " characters; send at most " + MAX_STOP_LENGTH);
            }
        }
    }

    /** @return whether decoding picks the most likely token each step (temperature 0, one beam) */
    public boolean greedy() {
        return temperature == 0 && beamSize == 1;
    }

    /**
     * @param maxTokens the new limit
     * @return a copy with another {@link #maxTokens()}
     */
    public GenerationOptions withMaxTokens(int maxTokens) {
        return new GenerationOptions(maxTokens, temperature, topK, topP, beamSize, stop, seed);
    }
}
