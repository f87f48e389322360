package dev.stoa.nn.decode;

import dev.stoa.api.Cancellation;
import dev.stoa.api.generation.FinishReason;
import dev.stoa.nn.text.TextCodec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * MAGiC search (Su et al. 2022, "Language Models Can See: Plugging Visual Controls in Text Generation"): contrastive
 * search (Su et al. 2022, SimCTG) with a score of each candidate's text against an image added. At step t, with
 * {@code V(k)} the k most likely next tokens of the language model,
 *
 * <pre>
 * x_t = argmax over v in V(k) of
 *       (1 - α) · p(v | x&lt;t)                                    model confidence
 *     - α · max_{j&lt;t} cos(h_v, h_{x_j})                          degeneration penalty
 *     + β · exp(CLIP(I, [x&lt;t; v])) / Σ_{u in V(k)} exp(CLIP(I, [x&lt;t; u]))   magic score
 * </pre>
 *
 * where {@code h_v} is the model's final hidden state of v appended to {@code x<t}, and the {@code h_{x_j}} are those
 * of the prompt and of the tokens chosen so far. {@code β = 0} is contrastive search; {@code k = 1} is greedy
 * decoding, whatever α and β. The search needs only "score these texts" ({@link CandidateScorer}), so any model that
 * scores text against an image (or anything else) can steer any language model that shows its hidden states
 * ({@link HiddenStepFunction}). Each step runs the model once for each of the k candidates (to get its hidden state)
 * and scores the k texts in one call of the scorer; with β = 0 the scorer is never called.
 */
public final class MagicSearch {

    /**
     * How to search.
     *
     * @param k how many of the most likely tokens are candidates at each step, at least 1
     * @param alpha α in [0, 1], the weight of the degeneration penalty
     * @param beta β &gt;= 0, the weight of the magic score
     * @param maxTokens the most tokens to generate, at least 1
     * @param lookahead the most tokens of each candidate's continuation the scorer reads: after the candidate, the
     *     model's greedy tokens until one that writes only whitespace, the end-of-text token or this many; 0: none.
     *     With a byte-level model a candidate is a letter and its continuation the rest of the word ("r" of
     *     "a photo of a r" is scored as "a photo of a red"), which CLIP, trained on whole words, can judge
     * @param minProbability a floor on {@code p(v | x<t)}: of the k most likely tokens only those at least this likely
     *     are candidates (the most likely always is); 0: all k, as in the paper. It keeps CLIP from choosing a token
     *     the language model all but rules out, where a strong preference of CLIP for an odd text would win
     */
    public record Options(int k, double alpha, double beta, int maxTokens, int lookahead, double minProbability) {

        /** Options without look-ahead and without a probability floor: the paper's search. */
        public Options(int k, double alpha, double beta, int maxTokens) {
            this(k, alpha, beta, maxTokens, 0, 0);
        }

        public Options {
            if (!(minProbability >= 0 && minProbability < 1)) {
                throw new IllegalArgumentException("min probability must be in [0, 1), got " + minProbability);
            }
            if (lookahead < 0) {
                throw new IllegalArgumentException("lookahead must be at least 0, got " + lookahead);
            }
            if (k < 1) {
                throw new IllegalArgumentException("k must be at least 1, got " + k);
            }
            if (!(alpha >= 0 && alpha <= 1)) {
                throw new IllegalArgumentException("alpha must be in [0, 1], got " + alpha);
            }
            if (!(beta >= 0) || Double.isInfinite(beta)) {
                throw new IllegalArgumentException("beta must be a finite number of at least 0, got " + beta);
            }
            if (maxTokens < 1) {
                throw new IllegalArgumentException("max tokens must be at least 1, got " + maxTokens);
            }
        }
    }

    private final long endToken;

    /** @param endToken the end-of-text id: choosing it ends the text */
    public MagicSearch(long endToken) {
        this.endToken = endToken;
    }

    /**
     * Contrastive search's score of one candidate.
     *
     * @param probability {@code p(v | x<t)}
     * @param maxSimilarity {@code max_j cos(h_v, h_{x_j})}
     * @param alpha α
     * @return {@code (1 - α) p - α maxSimilarity}
     */
    public static double contrastiveScore(double probability, double maxSimilarity, double alpha) {
        return (1 - alpha) * probability - alpha * maxSimilarity;
    }

    /**
     * MAGiC's score of each candidate of one step.
     *
     * @param probabilities {@code p(v | x<t)} of each candidate
     * @param maxSimilarities each candidate's degeneration penalty, {@code max_j cos(h_v, h_{x_j})}
     * @param clipScores each candidate text's score against the image; ignored (may be {@code null}) when β is 0
     * @param alpha α
     * @param beta β
     * @return {@code contrastiveScore(p_i, s_i, α) + β softmax(clipScores)_i} for each candidate
     */
    public static double[] magicScores(
            double[] probabilities, double[] maxSimilarities, double[] clipScores, double alpha, double beta) {
        if (maxSimilarities.length != probabilities.length
                || (beta != 0 && (clipScores == null || clipScores.length != probabilities.length))) {
            throw new IllegalArgumentException("one probability, similarity and (with beta > 0) score per candidate");
        }
        double[] magic = beta == 0 ? null : softmax(clipScores);
        double[] out = new double[probabilities.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = contrastiveScore(probabilities[i], maxSimilarities[i], alpha) + (beta == 0 ? 0 : beta * magic[i]);
        }
        return out;
    }

    /**
     * @param scores any finite scores
     * @return {@code exp(s_i - m) / Σ_j exp(s_j - m)}, m the largest score
     */
    public static double[] softmax(double[] scores) {
        double max = Double.NEGATIVE_INFINITY;
        for (double s : scores) {
            max = Math.max(max, s);
        }
        double[] out = new double[scores.length];
        double sum = 0;
        for (int i = 0; i < out.length; i++) {
            out[i] = Math.exp(scores[i] - max);
            sum += out[i];
        }
        for (int i = 0; i < out.length; i++) {
            out[i] /= sum;
        }
        return out;
    }

    /**
     * @param a a vector
     * @param b a vector of the same length
     * @return their cosine similarity; 0 when either is zero
     */
    public static double cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        return na == 0 || nb == 0 ? 0 : dot / Math.sqrt(na * nb);
    }

    /**
     * @param h a candidate's hidden state
     * @param history the hidden states of the tokens before it, at least one
     * @return {@code max_j cos(h, history_j)}
     */
    public static double maxCosine(float[] h, List<float[]> history) {
        double max = Double.NEGATIVE_INFINITY;
        for (float[] past : history) {
            max = Math.max(max, cosine(h, past));
        }
        return max;
    }

    /**
     * Generates a continuation of {@code prompt}, checking the calling thread's {@link Cancellation} before each step.
     *
     * @see #generate(HiddenStepFunction, long[], Options, TextCodec, CandidateScorer, Cancellation)
     */
    public <S> DecodeResult generate(
            HiddenStepFunction<S> model, long[] prompt, Options options, TextCodec codec, CandidateScorer scorer) {
        return generate(model, prompt, options, codec, scorer, Cancellation.current());
    }

    /**
     * Generates a continuation of {@code prompt}.
     *
     * @param model the language model
     * @param prompt the prompt's ids, at least one (e.g. the start-of-text token), at most
     *     {@code model.maxSequenceLength() - 1}
     * @param options k, α, β and the most tokens
     * @param codec turns ids into the texts the scorer reads
     * @param scorer scores each candidate's text ({@code codec.toText} of the tokens generated so far and the
     *     candidate; for the end-of-text token, the text so far); not called, and may be {@code null}, when β is 0
     * @param cancellation checked before every step
     * @param <S> the model's state type
     * @return the generated ids and text; {@code STOP} when the end-of-text token won, else {@code LENGTH}
     */
    public <S> DecodeResult generate(
            HiddenStepFunction<S> model,
            long[] prompt,
            Options options,
            TextCodec codec,
            CandidateScorer scorer,
            Cancellation cancellation) {
        if (prompt.length < 1 || prompt.length >= model.maxSequenceLength()) {
            throw new IllegalArgumentException("the prompt has " + prompt.length + " tokens; the model takes 1 to "
                    + (model.maxSequenceLength() - 1) + " before a new one");
        }
        if (options.beta() != 0 && scorer == null) {
            throw new IllegalArgumentException("beta is " + options.beta() + " but no scorer was given");
        }
        cancellation.throwIfCancelled();
        // the prompt's hidden states, one position at a time (the state of a prefix shows only its last token's)
        List<float[]> history = new ArrayList<>();
        S state = model.start(new long[] {prompt[0]});
        history.add(model.hidden(state).clone());
        for (int i = 1; i < prompt.length; i++) {
            S previous = state;
            state = model.next(state, prompt[i]);
            model.release(previous);
            history.add(model.hidden(state).clone());
        }
        long[] tokens = new long[0];
        FinishReason reason = FinishReason.LENGTH;
        int room = Math.min(options.maxTokens(), model.maxSequenceLength() - prompt.length);
        for (int step = 0; step < room; step++) {
            if (cancellation.isCancelled()) {
                model.release(state);
                cancellation.throwIfCancelled();
            }
            double[] p = SamplingFilters.softmax(model.logits(state), 1.0);
            int[] order = SamplingFilters.byProbability(p);
            int k = Math.min(options.k(), order.length);
            while (k > 1 && p[order[k - 1]] < options.minProbability()) {
                k--;
            }
            if (k == 1) {
                // greedy: no candidate to compare, so neither the penalty nor the scorer can change the choice
                long token = order[0];
                if (token == endToken) {
                    reason = FinishReason.STOP;
                    break;
                }
                tokens = append(tokens, token);
                S previous = state;
                state = model.next(state, token);
                model.release(previous);
                history.add(model.hidden(state).clone());
                continue;
            }
            List<S> next = new ArrayList<>(k);
            double[] probabilities = new double[k];
            double[] similarities = new double[k];
            List<String> texts = new ArrayList<>(k);
            List<float[]> hidden = new ArrayList<>(k);
            for (int i = 0; i < k; i++) {
                long v = order[i];
                S s = model.next(state, v);
                next.add(s);
                float[] h = model.hidden(s).clone();
                hidden.add(h);
                probabilities[i] = p[order[i]];
                similarities[i] = maxCosine(h, history);
                texts.add(
                        v == endToken
                                ? codec.toText(tokens)
                                : codec.toText(continuation(
                                        model,
                                        s,
                                        append(tokens, v),
                                        options.lookahead(),
                                        model.maxSequenceLength() - prompt.length - tokens.length - 1,
                                        codec)));
            }
            double[] clip = options.beta() == 0 ? null : scorer.scores(texts);
            if (clip != null && clip.length != k) {
                throw new IllegalStateException("the scorer gave " + clip.length + " scores for " + k + " texts");
            }
            double[] scores = magicScores(probabilities, similarities, clip, options.alpha(), options.beta());
            int best = 0;
            for (int i = 1; i < k; i++) {
                if (scores[i] > scores[best]) {
                    best = i;
                }
            }
            for (int i = 0; i < k; i++) {
                if (i != best) {
                    model.release(next.get(i));
                }
            }
            model.release(state);
            state = next.get(best);
            long token = order[best];
            if (token == endToken) {
                reason = FinishReason.STOP;
                break;
            }
            tokens = append(tokens, token);
            history.add(hidden.get(best));
        }
        model.release(state);
        return new DecodeResult(tokens, codec.toText(tokens), reason);
    }

    /**
     * The candidate's continuation: {@code tokens} (ending with the candidate, whose state is {@code state}) and up
     * to {@code lookahead} greedy tokens, stopping before the end-of-text token or one whose text is only whitespace;
     * none after a candidate that is itself whitespace. {@code room}: the positions left after the candidate.
     */
    private <S> long[] continuation(
            HiddenStepFunction<S> model, S state, long[] tokens, int lookahead, int room, TextCodec codec) {
        if (lookahead == 0
                || codec.toText(new long[] {tokens[tokens.length - 1]}).isBlank()) {
            return tokens;
        }
        long[] out = tokens;
        S current = state;
        for (int i = 0; i < lookahead; i++) {
            long token = SamplingFilters.argmax(model.logits(current));
            if (token == endToken || codec.toText(new long[] {token}).isBlank()) {
                break;
            }
            out = append(out, token);
            if (i + 1 == lookahead || i + 1 > room) {
                break;
            }
            S next = model.next(current, token);
            if (current != state) {
                model.release(current);
            }
            current = next;
        }
        if (current != state) {
            model.release(current);
        }
        return out;
    }

    private static long[] append(long[] tokens, long token) {
        long[] out = Arrays.copyOf(tokens, tokens.length + 1);
        out[tokens.length] = token;
        return out;
    }
}
