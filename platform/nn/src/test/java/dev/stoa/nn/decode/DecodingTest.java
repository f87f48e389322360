package dev.stoa.nn.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.stoa.api.generation.FinishReason;
import dev.stoa.api.generation.GenerationOptions;
import dev.stoa.nn.text.TextCodec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Decoding against small hand-made next-token distributions: a {@link StepFunction} whose state is the prefix and
 * whose logits are {@code ln p} of a table written out below, so every expected outcome can be worked out by hand.
 */
class DecodingTest {

    /** Ids: 0 start, 1 end, 2 'a', 3 'b', 4 'c', 5 'd'. */
    private static final long START = 0;

    private static final long END = 1;
    private static final int VOCABULARY = 6;

    /** One letter per id from 2 on; 0 and 1 are not text. */
    private static final TextCodec LETTERS = new TextCodec() {
        @Override
        public long[] toIds(String text) {
            return text.chars().mapToLong(c -> c - 'a' + 2).toArray();
        }

        @Override
        public String toText(long[] ids) {
            StringBuilder s = new StringBuilder();
            for (long id : ids) {
                if (id >= 2) {
                    s.append((char) ('a' + id - 2));
                }
            }
            return s.toString();
        }
    };

    /** A model that looks its next-token distribution up by the generated suffix (the text after the start). */
    private static final class TableModel implements StepFunction<long[]> {
        private final Function<String, double[]> table;
        private final int maxLength;
        int steps;

        TableModel(Function<String, double[]> table, int maxLength) {
            this.table = table;
            this.maxLength = maxLength;
        }

        @Override
        public long[] start(long[] prompt) {
            return prompt.clone();
        }

        @Override
        public float[] logits(long[] state) {
            double[] p = table.apply(LETTERS.toText(state));
            float[] logits = new float[VOCABULARY];
            for (int i = 0; i < VOCABULARY; i++) {
                logits[i] = (float) Math.log(p[i]);
            }
            return logits;
        }

        @Override
        public long[] next(long[] state, long token) {
            steps++;
            long[] out = Arrays.copyOf(state, state.length + 1);
            out[state.length] = token;
            return out;
        }

        @Override
        public int maxSequenceLength() {
            return maxLength;
        }
    }

    /** A table model that checks the release protocol: no state is used after release, none released twice. */
    private static final class ReleaseCheckingModel implements StepFunction<long[]> {
        private final TableModel table;
        final Set<long[]> live = Collections.newSetFromMap(new IdentityHashMap<>());
        int released;

        ReleaseCheckingModel(TableModel table) {
            this.table = table;
        }

        private long[] checked(long[] state) {
            if (!live.contains(state)) {
                throw new IllegalStateException("state used after release, or never made");
            }
            return state;
        }

        @Override
        public long[] start(long[] prompt) {
            long[] s = table.start(prompt);
            live.add(s);
            return s;
        }

        @Override
        public float[] logits(long[] state) {
            return table.logits(checked(state));
        }

        @Override
        public long[] next(long[] state, long token) {
            long[] s = table.next(checked(state), token);
            live.add(s);
            return s;
        }

        @Override
        public int maxSequenceLength() {
            return table.maxSequenceLength();
        }

        @Override
        public void release(long[] state) {
            live.remove(checked(state));
            released++;
        }
    }

    @Test
    void everyStateIsReleasedOnceAndNeverUsedAfterwards() {
        for (GenerationOptions options : List.of(
                GenerationOptions.GREEDY.withMaxTokens(6),
                options(6, 1.0, 0, 1, 1, List.of(), 1L),
                options(6, 0, 0, 1, 3, List.of(), null))) {
            ReleaseCheckingModel model = new ReleaseCheckingModel(new TableModel(s -> p(0.1, 0.3, 0.3, 0.2, 0.1), 64));
            run(model, options, new ArrayList<>());
            assertThat(model.live).isEmpty();
            assertThat(model.released).isPositive();
        }
    }

    private static double[] p(double end, double a, double b, double c, double d) {
        return new double[] {1e-12, end, a, b, c, d};
    }

    /**
     * First step: a 0.6, b 0.4. After "a": end 0.4, c 0.3, d 0.3 (spread out). After "b": end 0.9. Greedy takes a
     * then end: P = 0.6 · 0.4 = 0.24. The best sequence is b then end: P = 0.4 · 0.9 = 0.36, which beam search
     * (width 2) finds; both have length 2, so normalising by length does not change the ranking.
     */
    private static final Map<String, double[]> GREEDY_TRAP = new HashMap<>(Map.of(
            "", p(1e-9, 0.6, 0.4, 1e-9, 1e-9),
            "a", p(0.4, 1e-9, 1e-9, 0.3, 0.3),
            "b", p(0.9, 1e-9, 0.1, 1e-9, 1e-9),
            "ac", p(1.0, 1e-9, 1e-9, 1e-9, 1e-9),
            "ad", p(1.0, 1e-9, 1e-9, 1e-9, 1e-9),
            "ba", p(1.0, 1e-9, 1e-9, 1e-9, 1e-9)));

    private static DecodeResult run(StepFunction<long[]> model, GenerationOptions options, List<String> pieces) {
        return new Decoding(END).generate(model, new long[] {START}, options, LETTERS, pieces::add);
    }

    private static GenerationOptions options(
            int maxTokens, double temperature, int topK, double topP, int beams, List<String> stop, Long seed) {
        return new GenerationOptions(maxTokens, temperature, topK, topP, beams, stop, seed);
    }

    @Test
    void beamSearchFindsTheMostLikelySequenceWhereGreedyDoesNot() {
        TableModel model = new TableModel(GREEDY_TRAP::get, 16);
        DecodeResult greedy = run(model, GenerationOptions.GREEDY, new ArrayList<>());
        DecodeResult beam = run(model, options(8, 0, 0, 1, 2, List.of(), null), new ArrayList<>());

        assertThat(greedy.text()).isEqualTo("a");
        assertThat(beam.text()).isEqualTo("b");
        assertThat(beam.finishReason()).isEqualTo(FinishReason.STOP);
        double greedyJoint = 0.6 * 0.4;
        double beamJoint = 0.4 * 0.9;
        assertThat(beamJoint).isGreaterThan(greedyJoint);
    }

    @Test
    void beamSearchRanksByLengthNormalisedLogProbability() {
        // "a" then end: ln 0.5 + ln 0.9 = -0.799 over 2 tokens, mean -0.400.
        // "bcd" then end: ln 0.5 + 3 ln 0.9 = -1.009 over 4 tokens, mean -0.252.
        // By sum (α = 0) the short one wins; by mean (α = 1) the long one.
        Map<String, double[]> table = Map.of(
                "", p(1e-9, 0.5, 0.5, 1e-9, 1e-9),
                "a", p(0.9, 1e-9, 1e-9, 0.1, 1e-9),
                "b", p(1e-9, 1e-9, 1e-9, 0.9, 0.1),
                "bc", p(1e-9, 1e-9, 1e-9, 0.1, 0.9),
                "bcd", p(0.9, 0.1, 1e-9, 1e-9, 1e-9));
        TableModel model = new TableModel(s -> table.getOrDefault(s, p(1, 1e-9, 1e-9, 1e-9, 1e-9)), 16);
        DecodeResult mean = new Decoding(END, 1.0)
                .generate(model, new long[] {START}, options(8, 0, 0, 1, 3, List.of(), null), LETTERS, piece -> {});
        DecodeResult sum = new Decoding(END, 0.0)
                .generate(model, new long[] {START}, options(8, 0, 0, 1, 3, List.of(), null), LETTERS, piece -> {});
        assertThat(mean.text()).isEqualTo("bcd");
        assertThat(sum.text()).isEqualTo("a");
    }

    @Test
    void topPKeepsExactlyTheSmallestSetReachingP() {
        double[] probabilities = {0.05, 0.5, 0.1, 0.2, 0.15};
        // sorted: 0.5 (1), 0.2 (3), 0.15 (4), 0.1 (2), 0.05 (0); cumulative 0.5, 0.7, 0.85, 0.95, 1
        assertThat(SamplingFilters.topP(probabilities, 0.8)).containsExactly(false, true, false, true, true);
        assertThat(SamplingFilters.topP(probabilities, 0.69)).containsExactly(false, true, false, true, false);
        assertThat(SamplingFilters.topP(probabilities, 0.5)).containsExactly(false, true, false, false, false);
        assertThat(SamplingFilters.topP(probabilities, 1.0)).containsExactly(true, true, true, true, true);
    }

    @Test
    void topPSamplingNeverLeavesTheNucleusAndReachesAllOfIt() {
        float[] logits = logits(0.05, 0.5, 0.1, 0.2, 0.15);
        double[] d = SamplingFilters.distribution(logits, 1.0, 0, 0.8);
        assertThat(d[1]).isCloseTo(0.5 / 0.85, within(1e-6));
        assertThat(d[3]).isCloseTo(0.2 / 0.85, within(1e-6));
        assertThat(d[4]).isCloseTo(0.15 / 0.85, within(1e-6));
        int[] counts = draws(d, 20_000, 7);
        assertThat(counts[0]).isZero();
        assertThat(counts[2]).isZero();
        // each kept id within 3% of its renormalised share
        for (int id : new int[] {1, 3, 4}) {
            assertThat(counts[id] / 20_000.0).isCloseTo(d[id], within(0.03));
        }
    }

    @Test
    void topKKeepsTheKMostLikelyAndSamplesOnlyThem() {
        float[] logits = logits(0.05, 0.5, 0.1, 0.2, 0.15);
        assertThat(SamplingFilters.topK(SamplingFilters.softmax(logits, 1), 2))
                .containsExactly(false, true, false, true, false);
        double[] d = SamplingFilters.distribution(logits, 1.0, 2, 1.0);
        assertThat(d[1]).isCloseTo(0.5 / 0.7, within(1e-6));
        int[] counts = draws(d, 20_000, 11);
        assertThat(counts[0] + counts[2] + counts[4]).isZero();
        assertThat(counts[1]).isPositive();
        assertThat(counts[3]).isPositive();
    }

    @Test
    void topKThenTopPCutsInThatOrder() {
        // top-k 3 keeps 0.5, 0.2, 0.15 (mass 0.85); top-p 0.8 of that mass is 0.68: 0.5 + 0.2 = 0.7 reaches it
        double[] d = SamplingFilters.distribution(logits(0.05, 0.5, 0.1, 0.2, 0.15), 1.0, 3, 0.8);
        assertThat(d).containsExactly(new double[] {0, 0.5 / 0.7, 0, 0.2 / 0.7, 0}, within(1e-6));
    }

    @Test
    void temperatureScalesTheLogits() {
        float[] logits = {0f, (float) Math.log(2), (float) Math.log(4)};
        // T = 2: p ∝ sqrt(1), sqrt(2), sqrt(4)
        double z = 1 + Math.sqrt(2) + 2;
        assertThat(SamplingFilters.softmax(logits, 2.0))
                .containsExactly(new double[] {1 / z, Math.sqrt(2) / z, 2 / z}, within(1e-6));
    }

    @Test
    void temperatureZeroIsGreedy() {
        Map<String, double[]> table = Map.of(
                "", p(0.1, 0.2, 0.3, 0.4, 1e-9), "c", p(0.1, 0.5, 0.2, 0.1, 0.1), "ca", p(0.7, 0.1, 0.1, 0.05, 0.05));
        TableModel model = new TableModel(s -> table.getOrDefault(s, p(1, 1e-9, 1e-9, 1e-9, 1e-9)), 16);
        DecodeResult zero = run(model, options(8, 0, 5, 0.3, 1, List.of(), 3L), new ArrayList<>());
        DecodeResult greedy = run(model, GenerationOptions.GREEDY, new ArrayList<>());
        assertThat(zero.text()).isEqualTo("ca").isEqualTo(greedy.text());
        assertThat(zero.tokens()).containsExactly(greedy.tokens());
    }

    @Test
    void theSameSeedGivesTheSameOutputAndAnotherSeedCanDiffer() {
        TableModel model = new TableModel(s -> p(0.05, 0.25, 0.25, 0.2, 0.25), 64);
        GenerationOptions seeded = options(30, 1.0, 0, 1, 1, List.of(), 42L);
        String first = run(model, seeded, new ArrayList<>()).text();
        String again = run(model, seeded, new ArrayList<>()).text();
        assertThat(again).isEqualTo(first);
        List<String> others = new ArrayList<>();
        for (long seed = 0; seed < 5; seed++) {
            others.add(run(model, options(30, 1.0, 0, 1, 1, List.of(), seed), new ArrayList<>())
                    .text());
        }
        assertThat(others).anyMatch(o -> !o.equals(first));
    }

    @Test
    void maxTokensEndsWithLength() {
        TableModel model = new TableModel(s -> p(1e-9, 0.9, 0.1, 1e-9, 1e-9), 64);
        DecodeResult r = run(model, options(5, 0, 0, 1, 1, List.of(), null), new ArrayList<>());
        assertThat(r.text()).isEqualTo("aaaaa");
        assertThat(r.finishReason()).isEqualTo(FinishReason.LENGTH);
        // the fifth token comes from the fourth state's logits: no state is built for a sixth
        assertThat(model.steps).isEqualTo(4);
    }

    @Test
    void aFullContextEndsWithLength() {
        TableModel model = new TableModel(s -> p(1e-9, 0.9, 0.1, 1e-9, 1e-9), 4);
        DecodeResult r = run(model, options(50, 0, 0, 1, 1, List.of(), null), new ArrayList<>());
        assertThat(r.text()).isEqualTo("aaa"); // start + 3 tokens fill 4 positions
        assertThat(r.finishReason()).isEqualTo(FinishReason.LENGTH);
    }

    @Test
    void aStopSequenceEndsTheTextBeforeItAndIsNeverStreamed() {
        // greedy spells "abcabd...": stop at "cab" leaves "ab"
        Map<String, double[]> table = new HashMap<>();
        String script = "abcabdd";
        for (int i = 0; i < script.length(); i++) {
            double[] q = p(1e-9, 1e-9, 1e-9, 1e-9, 1e-9);
            q[script.charAt(i) - 'a' + 2] = 1;
            table.put(script.substring(0, i), q);
        }
        TableModel model = new TableModel(table::get, 64);
        List<String> pieces = new ArrayList<>();
        DecodeResult r = run(model, options(20, 0, 0, 1, 1, List.of("cab", "zz"), null), pieces);
        assertThat(r.text()).isEqualTo("ab");
        assertThat(r.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(String.join("", pieces)).isEqualTo("ab");
        // "a" and "b" are streamed one by one; "c" is held back while it could start "cab", then dropped
        assertThat(pieces).containsExactly("a", "b");
    }

    @Test
    void streamedPiecesJoinToTheTextEachOnceInOrder() {
        TableModel model = new TableModel(s -> p(1e-9, 0.25, 0.25, 0.25, 0.25), 64);
        List<String> pieces = new ArrayList<>();
        DecodeResult r = run(model, options(20, 1.0, 0, 1, 1, List.of(), 5L), pieces);
        assertThat(r.text()).hasSize(20);
        assertThat(String.join("", pieces)).isEqualTo(r.text());
        assertThat(pieces).hasSize(r.text().length()).allMatch(piece -> piece.length() == 1);
    }

    @Test
    void endOfTextStopsAndIsNotPartOfTheTokens() {
        DecodeResult r = run(new TableModel(GREEDY_TRAP::get, 16), GenerationOptions.GREEDY, new ArrayList<>());
        assertThat(r.tokens()).containsExactly(2);
        assertThat(r.finishReason()).isEqualTo(FinishReason.STOP);
    }

    /** Logits ln p as float, so renormalised shares match to about 1e-7, not exactly. */
    private static float[] logits(double... probabilities) {
        float[] l = new float[probabilities.length];
        for (int i = 0; i < l.length; i++) {
            l[i] = (float) Math.log(probabilities[i]);
        }
        return l;
    }

    private static int[] draws(double[] distribution, int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int[] counts = new int[distribution.length];
        for (int i = 0; i < n; i++) {
            counts[SamplingFilters.sample(distribution, random)]++;
        }
        return counts;
    }

    /** The tokens a never-ending model computes: each call of logits is one decoding step. */
    private static final class CountingModel implements StepFunction<long[]> {
        int logitsCalls;

        @Override
        public long[] start(long[] prompt) {
            return prompt.clone();
        }

        @Override
        public float[] logits(long[] state) {
            logitsCalls++;
            // 'a' most likely, the end token never: decoding would run to max_tokens
            return new float[] {-50, -50, 0, -1, -2, -3};
        }

        @Override
        public long[] next(long[] state, long token) {
            long[] out = Arrays.copyOf(state, state.length + 1);
            out[state.length] = token;
            return out;
        }

        @Override
        public int maxSequenceLength() {
            return 1_000;
        }
    }

    @Test
    void aCancelledCallStopsDecodingBeforeTheNextTokenWithCancelled() {
        CountingModel model = new CountingModel();
        dev.stoa.api.Cancellation cancellation = dev.stoa.api.Cancellation.create("t", Long.MAX_VALUE);
        List<String> pieces = new ArrayList<>();
        // the caller goes away while the third piece is handed out
        dev.stoa.api.generation.TokenListener listener = piece -> {
            pieces.add(piece);
            if (pieces.size() == 3) {
                cancellation.cancel("the client disconnected");
            }
        };
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new Decoding(END)
                        .generate(
                                model,
                                new long[] {START},
                                options(500, 0, 0, 1, 1, List.of(), 1L),
                                LETTERS,
                                listener,
                                cancellation))
                .isInstanceOfSatisfying(dev.stoa.api.StoaException.class, e -> {
                    assertThat(e.code()).isEqualTo(dev.stoa.api.FailureCode.CANCELLED);
                    assertThat(e.getMessage()).contains("the client disconnected");
                });
        assertThat(pieces).containsExactly("a", "a", "a");
        assertThat(model.logitsCalls).as("no token computed after the cancel").isEqualTo(3);
    }

    @Test
    void decodingReadsTheCancellationTheBusBindsToTheThreadAndBeamSearchChecksItToo() {
        CountingModel model = new CountingModel();
        dev.stoa.api.Cancellation cancelled = dev.stoa.api.Cancellation.create(null, Long.MAX_VALUE);
        cancelled.cancel("gone");
        try (dev.stoa.api.Cancellation.Scope bound = cancelled.enter()) {
            for (int beams : new int[] {1, 3}) {
                org.assertj.core.api.Assertions.assertThatThrownBy(
                                () -> run(model, options(50, 0, 0, 1, beams, List.of(), 1L), new ArrayList<>()))
                        .isInstanceOf(dev.stoa.api.StoaException.class)
                        .hasMessageContaining("gone");
            }
        }
        assertThat(model.logitsCalls).isZero();
        // unbound again: decoding runs to max_tokens
        DecodeResult r = run(model, options(5, 0, 0, 1, 1, List.of(), 1L), new ArrayList<>());
        assertThat(r.text()).isEqualTo("aaaaa");
        assertThat(model.logitsCalls).isEqualTo(5);
    }
}
