package dev.stoa.nn.decode;

import dev.stoa.api.Cancellation;
import dev.stoa.api.generation.FinishReason;
import dev.stoa.api.generation.GenerationOptions;
import dev.stoa.api.generation.TokenListener;
import dev.stoa.nn.text.TextCodec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Generates text from a {@link StepFunction} with {@link GenerationOptions}:
 * <ul>
 *   <li>greedy ({@code temperature = 0}): the most likely token each step;</li>
 *   <li>sampling: from {@link SamplingFilters#distribution} (temperature, top-k, top-p), with a
 *       {@link SplittableRandom} seeded by {@code seed}, so one seed gives one output;</li>
 *   <li>beam search ({@code beam_size > 1}): keeps the {@code beam_size} prefixes of highest log-probability; a
 *       hypothesis ends at the end-of-text token or a stop sequence, and hypotheses are ranked by
 *       {@code log P(y) / |y|^α} (length-normalised; α = 1 by default, |y| counting the end-of-text token). The search
 *       stops when {@code beam_size} hypotheses have ended and no live beam can rank above the worst of them at
 *       its current length (Hugging Face's {@code early_stopping=False} rule), or at {@code max_tokens}.</li>
 * </ul>
 * Generation ends at the end-of-text token or a stop sequence ({@code STOP}), after {@code max_tokens}, or when the
 * model's sequence is full ({@code LENGTH}). Greedy and sampling hand each piece of text to the listener as it
 * becomes final; beam search hands the chosen text over in one piece at the end, since beams change until then.
 *
 * <p>Before each step (one token, or one round of beam search) it checks the call's {@link Cancellation}: once the
 * caller has gone away or its deadline has passed, decoding stops with {@code CANCELLED} instead of computing another
 * token, so a disconnected client costs at most the step that was running. A model bundle gives it nothing for that:
 * the bus binds each call's cancellation to the thread that runs it ({@link Cancellation#current()}).
 */
public final class Decoding {

    private final long endToken;
    private final double lengthPenalty;

    /**
     * @param endToken the end-of-text id
     * @param lengthPenalty α of beam search's length normalisation (1: mean log-probability per token; 0: none)
     */
    public Decoding(long endToken, double lengthPenalty) {
        if (!(lengthPenalty >= 0)) {
            throw new IllegalArgumentException("length penalty must be at least 0, got " + lengthPenalty);
        }
        this.endToken = endToken;
        this.lengthPenalty = lengthPenalty;
    }

    /** @param endToken the end-of-text id; beam search normalises by length (α = 1) */
    public Decoding(long endToken) {
        this(endToken, 1.0);
    }

    /**
     * Generates a continuation of {@code prompt}.
     *
     * @param model the model
     * @param prompt the prompt's ids, at least one, at most {@code model.maxSequenceLength()}
     * @param options how to decode
     * @param codec turns ids into text (stop sequences are matched on text)
     * @param listener receives the text as it is produced
     * @param <S> the model's state type
     * @return the generated ids and text, and why it ended
     */
    public <S> DecodeResult generate(
            StepFunction<S> model, long[] prompt, GenerationOptions options, TextCodec codec, TokenListener listener) {
        return generate(model, prompt, options, codec, listener, Cancellation.current());
    }

    /**
     * Generates a continuation of {@code prompt}, stopping once {@code cancellation} fires.
     *
     * @param cancellation checked before every step
     * @throws dev.stoa.api.StoaException {@code CANCELLED} when it fired before decoding ended
     * @see #generate(StepFunction, long[], GenerationOptions, TextCodec, TokenListener)
     */
    public <S> DecodeResult generate(
            StepFunction<S> model,
            long[] prompt,
            GenerationOptions options,
            TextCodec codec,
            TokenListener listener,
            Cancellation cancellation) {
        if (prompt.length < 1 || prompt.length > model.maxSequenceLength()) {
            throw new IllegalArgumentException(
                    "the prompt has " + prompt.length + " tokens; the model takes 1 to " + model.maxSequenceLength());
        }
        cancellation.throwIfCancelled();
        return options.beamSize() > 1
                ? beamSearch(model, prompt, options, codec, listener, cancellation)
                : stepwise(model, prompt, options, codec, listener, cancellation);
    }

    private <S> DecodeResult stepwise(
            StepFunction<S> model,
            long[] prompt,
            GenerationOptions options,
            TextCodec codec,
            TokenListener listener,
            Cancellation cancellation) {
        SplittableRandom random =
                options.seed() == null ? new SplittableRandom() : new SplittableRandom(options.seed());
        TextEmitter text = new TextEmitter(codec, options.stop(), listener);
        S state = model.start(prompt);
        int room = model.maxSequenceLength() - prompt.length;
        FinishReason reason = FinishReason.LENGTH;
        for (int produced = 0; produced < options.maxTokens(); produced++) {
            if (cancellation.isCancelled()) {
                model.release(state);
                cancellation.throwIfCancelled();
            }
            float[] logits = model.logits(state);
            long token = options.temperature() == 0
                    ? SamplingFilters.argmax(logits)
                    : SamplingFilters.sample(
                            SamplingFilters.distribution(logits, options.temperature(), options.topK(), options.topP()),
                            random);
            if (token == endToken) {
                reason = FinishReason.STOP;
                break;
            }
            if (text.add(token)) {
                reason = FinishReason.STOP;
                break;
            }
            // the logits of the last position already give the next token; a state is needed only to go on
            if (produced + 1 >= options.maxTokens() || produced + 1 >= room) {
                break;
            }
            S previous = state;
            state = model.next(state, token);
            model.release(previous);
        }
        model.release(state);
        text.flush();
        return new DecodeResult(text.tokens(), text.text(), reason);
    }

    /** A live beam. */
    private record Beam<S>(S state, long[] tokens, double logProbability) {}

    /** An ended hypothesis. */
    private record Hypothesis(long[] tokens, String text, double score, FinishReason reason) {}

    private <S> DecodeResult beamSearch(
            StepFunction<S> model,
            long[] prompt,
            GenerationOptions options,
            TextCodec codec,
            TokenListener listener,
            Cancellation cancellation) {
        int width = options.beamSize();
        int room = Math.min(options.maxTokens(), model.maxSequenceLength() - prompt.length);
        List<Beam<S>> beams = List.of(new Beam<>(model.start(prompt), new long[0], 0));
        List<Hypothesis> ended = new ArrayList<>();
        for (int step = 0; step < room && !beams.isEmpty(); step++) {
            if (cancellation.isCancelled()) {
                for (Beam<S> b : beams) {
                    model.release(b.state);
                }
                cancellation.throwIfCancelled();
            }
            List<Beam<S>> next = new ArrayList<>();
            for (Candidate c : candidates(model, beams, 2 * width)) {
                Beam<S> parent = beams.get(c.beam);
                long[] tokens = Arrays.copyOf(parent.tokens, parent.tokens.length + 1);
                tokens[tokens.length - 1] = c.token;
                if (c.token == endToken) {
                    ended.add(hypothesis(
                            parent.tokens,
                            codec.toText(parent.tokens),
                            c.logProbability,
                            tokens.length,
                            FinishReason.STOP));
                    continue;
                }
                String text = codec.toText(tokens);
                int cut = TextEmitter.firstStop(text, options.stop());
                if (cut >= 0) {
                    ended.add(hypothesis(
                            tokens, text.substring(0, cut), c.logProbability, tokens.length, FinishReason.STOP));
                } else if (next.size() < width) {
                    next.add(new Beam<>(parent.state, tokens, c.logProbability));
                }
                if (next.size() == width) {
                    break;
                }
            }
            ended.sort(Comparator.comparingDouble(Hypothesis::score).reversed());
            if (ended.size() >= width && !next.isEmpty()) {
                double bestLive = next.get(0).logProbability / Math.pow(step + 1, lengthPenalty);
                if (bestLive <= ended.get(width - 1).score) {
                    next = List.of();
                }
            }
            if (step + 1 == room) {
                for (Beam<S> b : next) {
                    ended.add(hypothesis(
                            b.tokens, codec.toText(b.tokens), b.logProbability, b.tokens.length, FinishReason.LENGTH));
                }
                next = List.of();
            }
            List<Beam<S>> advanced = new ArrayList<>(next.size());
            for (Beam<S> b : next) {
                advanced.add(
                        new Beam<>(model.next(b.state, b.tokens[b.tokens.length - 1]), b.tokens, b.logProbability));
            }
            for (Beam<S> b : beams) {
                model.release(b.state);
            }
            beams = advanced;
        }
        for (Beam<S> b : beams) {
            model.release(b.state);
        }
        Hypothesis best = ended.stream()
                .max(Comparator.comparingDouble(Hypothesis::score))
                .orElseThrow(() -> new IllegalStateException("beam search ended no hypothesis"));
        if (!best.text.isEmpty()) {
            listener.onToken(best.text);
        }
        return new DecodeResult(best.tokens, best.text, best.reason);
    }

    private Hypothesis hypothesis(long[] tokens, String text, double logProbability, int length, FinishReason reason) {
        return new Hypothesis(tokens, text, logProbability / Math.pow(length, lengthPenalty), reason);
    }

    private record Candidate(int beam, long token, double logProbability) {}

    /** The {@code count} best one-token extensions of all beams, best first. */
    private static <S> List<Candidate> candidates(StepFunction<S> model, List<Beam<S>> beams, int count) {
        List<Candidate> all = new ArrayList<>();
        for (int b = 0; b < beams.size(); b++) {
            double[] logp = SamplingFilters.logSoftmax(model.logits(beams.get(b).state));
            int[] order = SamplingFilters.byProbability(logp);
            for (int i = 0; i < Math.min(count, order.length); i++) {
                all.add(new Candidate(b, order[i], beams.get(b).logProbability + logp[order[i]]));
            }
        }
        all.sort(Comparator.comparingDouble(Candidate::logProbability)
                .reversed()
                .thenComparingInt(Candidate::beam)
                .thenComparingLong(Candidate::token));
        return all.subList(0, Math.min(count, all.size()));
    }
}
