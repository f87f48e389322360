package dev.stoa.nn.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.stoa.api.Cancellation;
import dev.stoa.api.generation.GenerationOptions;
import dev.stoa.nn.text.TextCodec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * MAGiC search against hand-made models: each state's hidden state is the one-hot vector of its last token, so the
 * degeneration penalty {@code max_j cos(h_v, h_{x_j})} is 1 for a token already in the text and 0 otherwise, and
 * every choice below can be worked out by hand.
 */
class MagicSearchTest {

    /** Ids: 0 start, 1 end, 2 'a', 3 'b', 4 'c', 5 ' '. */
    private static final long START = 0;

    private static final long END = 1;
    private static final int VOCABULARY = 6;

    private static final TextCodec LETTERS = new TextCodec() {
        @Override
        public long[] toIds(String text) {
            return text.chars().mapToLong(c -> c == ' ' ? 5 : c - 'a' + 2).toArray();
        }

        @Override
        public String toText(long[] ids) {
            StringBuilder s = new StringBuilder();
            for (long id : ids) {
                if (id >= 2) {
                    s.append(id == 5 ? ' ' : (char) ('a' + id - 2));
                }
            }
            return s.toString();
        }
    };

    /** State: the tokens so far; logits: {@code ln p} of {@code table(tokens)}; hidden: one-hot of the last token. */
    private static final class OneHotModel implements HiddenStepFunction<long[]> {
        private final Function<long[], double[]> table;
        final List<long[]> released = new ArrayList<>();

        OneHotModel(Function<long[], double[]> table) {
            this.table = table;
        }

        @Override
        public long[] start(long[] prompt) {
            return prompt.clone();
        }

        @Override
        public float[] logits(long[] state) {
            double[] p = table.apply(state);
            float[] out = new float[p.length];
            for (int i = 0; i < p.length; i++) {
                out[i] = (float) Math.log(p[i]);
            }
            return out;
        }

        @Override
        public float[] hidden(long[] state) {
            float[] h = new float[VOCABULARY];
            h[(int) state[state.length - 1]] = 1;
            return h;
        }

        @Override
        public long[] next(long[] state, long token) {
            long[] out = Arrays.copyOf(state, state.length + 1);
            out[state.length] = token;
            return out;
        }

        @Override
        public int maxSequenceLength() {
            return 32;
        }

        @Override
        public void release(long[] state) {
            released.add(state);
        }
    }

    /** Every step the same: a 0.5, b 0.3, c 0.15, end 0.04, space 0.01 (start never). */
    private static final double[] FIXED = {1e-9, 0.04, 0.5, 0.3, 0.15, 0.01};

    private static final CandidateScorer NEVER = texts -> {
        throw new AssertionError("the scorer was called with beta = 0: " + texts);
    };

    private static String run(OneHotModel model, int k, double alpha, double beta, int max, CandidateScorer scorer) {
        return new MagicSearch(END)
                .generate(
                        model,
                        new long[] {START},
                        new MagicSearch.Options(k, alpha, beta, max),
                        LETTERS,
                        scorer,
                        Cancellation.NEVER)
                .text();
    }

    @Test
    void contrastiveScoreIsConfidenceMinusPenalty() {
        assertThat(MagicSearch.contrastiveScore(0.5, 0.9, 0.6)).isCloseTo(0.4 * 0.5 - 0.6 * 0.9, within(1e-12));
        assertThat(MagicSearch.contrastiveScore(0.5, 0.9, 0.0)).isCloseTo(0.5, within(1e-12));
        assertThat(MagicSearch.contrastiveScore(0.5, 0.9, 1.0)).isCloseTo(-0.9, within(1e-12));
    }

    @Test
    void magicScoreAddsBetaTimesTheSoftmaxOfTheCandidatesClipScores() {
        double[] p = {0.5, 0.3, 0.2};
        double[] s = {0.9, 0.1, 0.4};
        double[] clip = {1.0, 2.0, 0.5};
        double z = Math.exp(1.0) + Math.exp(2.0) + Math.exp(0.5);
        double[] got = MagicSearch.magicScores(p, s, clip, 0.25, 2.0);
        assertThat(got[0]).isCloseTo(0.75 * 0.5 - 0.25 * 0.9 + 2.0 * Math.exp(1.0) / z, within(1e-12));
        assertThat(got[1]).isCloseTo(0.75 * 0.3 - 0.25 * 0.1 + 2.0 * Math.exp(2.0) / z, within(1e-12));
        assertThat(got[2]).isCloseTo(0.75 * 0.2 - 0.25 * 0.4 + 2.0 * Math.exp(0.5) / z, within(1e-12));
        // the softmax is over the candidates: adding a constant to every CLIP score changes nothing
        double[] shifted = MagicSearch.magicScores(p, s, new double[] {101, 102, 100.5}, 0.25, 2.0);
        for (int i = 0; i < 3; i++) {
            assertThat(shifted[i]).isCloseTo(got[i], within(1e-9));
        }
        // beta = 0: the contrastive score alone, no scores needed
        double[] plain = MagicSearch.magicScores(p, s, null, 0.25, 0.0);
        assertThat(plain[1]).isCloseTo(MagicSearch.contrastiveScore(0.3, 0.1, 0.25), within(1e-12));
    }

    @Test
    void penaltyIsTheLargestCosineToAnEarlierHiddenState() {
        List<float[]> history = List.of(new float[] {1, 0, 0}, new float[] {0, 2, 0}, new float[] {1, 1, 0});
        assertThat(MagicSearch.maxCosine(new float[] {0, 3, 0}, history)).isCloseTo(1.0, within(1e-12));
        assertThat(MagicSearch.maxCosine(new float[] {1, 0, 1}, history))
                .isCloseTo(Math.max(1 / Math.sqrt(2), 0.5), within(1e-12));
        assertThat(MagicSearch.maxCosine(new float[] {0, 0, 1}, history)).isCloseTo(0.0, within(1e-12));
    }

    @Test
    void greedyRepeatsAndContrastiveSearchAvoidsWhatItAlreadySaid() {
        OneHotModel model = new OneHotModel(t -> FIXED);
        // greedy: 'a' every step
        assertThat(run(model, 1, 0.5, 0, 4, null)).isEqualTo("aaaa");
        // k = 2, alpha = 0.5, worked by hand: step 1 a 0.25 vs b 0.15 -> a; step 2 a 0.25 - 0.5 vs b 0.15 -> b;
        // then both seen: a 0.25 - 0.5 = -0.25 vs b 0.15 - 0.5 = -0.35 -> a, a
        assertThat(run(model, 2, 0.5, 0, 4, NEVER)).isEqualTo("abaa");
        // k = 3, alpha = 0.5: c (0.075) beats a seen 'a' (-0.25) and 'b' (-0.35) once b is used
        assertThat(run(model, 3, 0.5, 0, 4, NEVER)).isEqualTo("abca");
        // a probability floor of 0.2 leaves a and b of the three: as k = 2
        assertThat(new MagicSearch(END)
                        .generate(
                                model,
                                new long[] {START},
                                new MagicSearch.Options(3, 0.5, 0, 4, 0, 0.2),
                                LETTERS,
                                NEVER,
                                Cancellation.NEVER)
                        .text())
                .isEqualTo("abaa");
        // alpha = 0: contrastive search is greedy over any k
        assertThat(run(model, 4, 0.0, 0, 4, NEVER)).isEqualTo("aaaa");
    }

    @Test
    void theMagicScoreSteersTowardsWhatTheScorerLikes() {
        OneHotModel model = new OneHotModel(t -> FIXED);
        List<List<String>> asked = new ArrayList<>();
        CandidateScorer likesB = texts -> {
            asked.add(texts);
            return texts.stream()
                    .mapToDouble(t -> 10.0 * t.chars().filter(c -> c == 'b').count())
                    .toArray();
        };
        // alpha 0, beta 1: b's text scores 10 more, so its magic score is ~1 and 0.3 + 1 beats a's 0.5 + ~0
        assertThat(run(model, 2, 0.0, 1.0, 3, likesB)).isEqualTo("bbb");
        // one scorer call per step, with the text so far and each candidate appended, most likely first
        assertThat(asked).hasSize(3);
        assertThat(asked.get(0)).containsExactly("a", "b");
        assertThat(asked.get(2)).containsExactly("bba", "bbb");
        // a small beta cannot outweigh the model's confidence: 0.3 + 0.1 < 0.5
        assertThat(run(model, 2, 0.0, 0.1, 3, likesB)).isEqualTo("aaa");
    }

    @Test
    void theEndTokenIsScoredAsTheTextSoFarAndEndsTheText() {
        // after "a", end is likely and b is not; the scorer prefers texts without 'b'
        OneHotModel model =
                new OneHotModel(t -> t.length == 1 ? FIXED : new double[] {1e-9, 0.6, 0.1, 0.25, 0.04, 0.01});
        List<List<String>> asked = new ArrayList<>();
        DecodeResult r = new MagicSearch(END)
                .generate(
                        model,
                        new long[] {START},
                        new MagicSearch.Options(2, 0.0, 1.0, 8),
                        LETTERS,
                        texts -> {
                            asked.add(texts);
                            return new double[texts.size()];
                        },
                        Cancellation.NEVER);
        assertThat(r.text()).isEqualTo("a");
        assertThat(r.tokens()).containsExactly(2L);
        assertThat(r.finishReason()).isEqualTo(dev.stoa.api.generation.FinishReason.STOP);
        assertThat(asked.get(1)).containsExactly("a", "ab");
    }

    @Test
    void lookAheadScoresEachCandidateWithTheRestOfItsWord() {
        // after 'b' a space is most likely (the word ends); after anything else, 'a'
        OneHotModel model =
                new OneHotModel(t -> t[t.length - 1] == 3 ? new double[] {1e-9, 0.1, 0.1, 0.1, 0.1, 0.6} : FIXED);
        List<List<String>> asked = new ArrayList<>();
        CandidateScorer record = texts -> {
            asked.add(texts);
            return new double[texts.size()];
        };
        DecodeResult r = new MagicSearch(END)
                .generate(
                        model,
                        new long[] {START},
                        new MagicSearch.Options(2, 0.0, 1.0, 2, 3, 0),
                        LETTERS,
                        record,
                        Cancellation.NEVER);
        // candidate 'a' read with its 3 greedy tokens 'aaa'; 'b' alone, its word ending there
        assertThat(asked.get(0)).containsExactly("aaaa", "b");
        // the continuation is only read: the text goes on from the chosen candidate
        assertThat(r.text()).isEqualTo("aa");
        assertThat(asked.get(1)).containsExactly("aaaaa", "ab");
        // a whitespace candidate is scored as it is
        List<List<String>> spaced = new ArrayList<>();
        new MagicSearch(END)
                .generate(
                        new OneHotModel(t -> new double[] {1e-9, 0.05, 0.3, 0.05, 0.1, 0.5}),
                        new long[] {START},
                        new MagicSearch.Options(2, 0.0, 1.0, 1, 3, 0),
                        LETTERS,
                        texts -> {
                            spaced.add(texts);
                            return new double[texts.size()];
                        },
                        Cancellation.NEVER);
        assertThat(spaced.get(0)).containsExactly(" ", "a");
        assertThatThrownBy(() -> new MagicSearch.Options(2, 0, 1, 2, -1, 0)).hasMessageContaining("lookahead");
    }

    @Test
    void kOfOneIsGreedyDecodingWhateverAlphaAndBeta() {
        // a model whose distribution depends on the whole prefix, drawn at random from it
        Function<long[], double[]> table = t -> {
            SplittableRandom r = new SplittableRandom(Arrays.hashCode(t));
            double[] p = new double[VOCABULARY];
            double sum = 0;
            for (int i = 0; i < p.length; i++) {
                p[i] = i == START ? 1e-9 : 0.05 + r.nextDouble();
                sum += p[i];
            }
            for (int i = 0; i < p.length; i++) {
                p[i] /= sum;
            }
            return p;
        };
        for (long seed = 0; seed < 5; seed++) {
            long[] prompt = {START, 2 + seed % 4};
            String greedy = new Decoding(END)
                    .generate(
                            new OneHotModel(table),
                            prompt,
                            GenerationOptions.GREEDY.withMaxTokens(12),
                            LETTERS,
                            piece -> {},
                            Cancellation.NEVER)
                    .text();
            String magic = new MagicSearch(END)
                    .generate(
                            new OneHotModel(table),
                            prompt,
                            new MagicSearch.Options(1, 0.9, 5.0, 12),
                            LETTERS,
                            texts -> new SplittableRandom(texts.hashCode())
                                    .doubles(texts.size())
                                    .toArray(),
                            Cancellation.NEVER)
                    .text();
            assertThat(magic).isEqualTo(greedy);
        }
    }

    @Test
    void betaZeroIsContrastiveSearchAndNeverAsksTheScorer() {
        OneHotModel model = new OneHotModel(t -> FIXED);
        String contrastive = run(model, 3, 0.5, 0.0, 6, NEVER);
        // the same search with a scorer that gives every candidate the same score: the softmax is uniform, so the
        // magic score adds beta / k to every candidate and cannot change a choice
        String flat = run(model, 3, 0.5, 0.7, 6, texts -> new double[texts.size()]);
        assertThat(flat).isEqualTo(contrastive).isEqualTo("abcaaa");
    }

    @Test
    void everyCandidateStateButTheChosenOneIsReleased() {
        OneHotModel model = new OneHotModel(t -> FIXED);
        run(model, 3, 0.5, 0.0, 4, NEVER);
        // 4 steps of 3 candidates: 2 losers and the previous state each step, then the last state
        assertThat(model.released).hasSize(4 * 3 + 1);
    }

    @Test
    void badOptionsAreRefused() {
        assertThatThrownBy(() -> new MagicSearch.Options(0, 0.5, 1, 8)).hasMessageContaining("k must be");
        assertThatThrownBy(() -> new MagicSearch.Options(4, 1.5, 1, 8)).hasMessageContaining("alpha");
        assertThatThrownBy(() -> new MagicSearch.Options(4, 0.5, -1, 8)).hasMessageContaining("beta");
        assertThatThrownBy(() -> new MagicSearch.Options(4, 0.5, 1, 0)).hasMessageContaining("max tokens");
        assertThatThrownBy(() -> new MagicSearch.Options(4, 0.5, 1, 8, 0, 1.0)).hasMessageContaining("min probability");
        OneHotModel model = new OneHotModel(t -> FIXED);
        assertThatThrownBy(() -> run(model, 2, 0.5, 1.0, 4, null)).hasMessageContaining("no scorer");
    }
}
