package dev.stoa.models.merlot.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import dev.stoa.api.data.Image;
import dev.stoa.api.dataset.Dataset;
import dev.stoa.api.dataset.Example;
import dev.stoa.nn.heads.TokenMasking;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class MerlotModelTest {

    private static List<Example> examples(Dataset data, int n) {
        List<Example> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(data.split("train").get(i));
        }
        return out;
    }

    @Test
    void theForwardPassHasThePapersOutputsAndPassesTheLabelsThrough() {
        Engine.getEngine("PyTorch").setRandomSeed(1);
        MerlotConfig c = MerlotTestSupport.config();
        MerlotTrainable model = MerlotFactory.create("merlot-test", c);
        try (NDManager m = NDManager.newBaseManager("PyTorch");
                Dataset data = MerlotTestSupport.clips()) {
            model.initialize(m);
            List<Example> batch = examples(data, 6);
            NDList in = model.inputs(m, batch, new SplittableRandom(3));
            NDList out = model.block().forward(new ParameterStore(m, false), in, false);
            int f = c.frames();
            assertThat(out.getShapes())
                    .containsExactly(
                            new Shape(6 * f, c.width()),
                            new Shape(6 * f, c.width()),
                            new Shape(
                                    6, (f + 1) * c.textLength(), model.tokens().vocabularySize()),
                            new Shape(6 * c.pairs(), 2),
                            new Shape(6 * f),
                            new Shape(6, (f + 1) * c.textLength()),
                            new Shape(6 * c.pairs()));
            NDList loss = model.lossInputs(out, batch, m);
            // the contrastive rows are those of the clips in order: 3 of 6 with order_fraction 0.5
            assertThat(loss.get(0).getShape()).isEqualTo(new Shape(3 * f, c.width()));
            assertThat(loss.get(2).getShape()).isEqualTo(new Shape(3 * f));
            assertThat(out.get(5).toLongArray()).isEqualTo(in.get(5).toLongArray());
        }
    }

    @Test
    void shuffledClipsAreLabelledByTheirPermutationAndOrderedOnesAskAMaskedStatement() {
        MerlotConfig c = MerlotTestSupport.config();
        MerlotTrainable model = MerlotFactory.create("merlot-test", c);
        MerlotTokens tokens = model.tokens();
        try (Dataset data = MerlotTestSupport.clips()) {
            List<Example> batch = examples(data, 8);
            PretrainingClips.Batch b = model.clips().make(batch, new SplittableRandom(5));
            int f = c.frames();
            int l = c.textLength();
            assertThat(b.ordered()).isEqualTo(4);
            int[][] pairs = FrameOrder.pairs(f);
            for (int clip = 0; clip < 8; clip++) {
                List<Image> original = ClipFrames.of(batch.get(clip), f);
                List<Image> slots = b.frames().get(clip);
                if (clip < b.ordered()) {
                    for (int k = 0; k < f; k++) {
                        assertThat(slots.get(k).rgb()).isEqualTo(original.get(k).rgb());
                        assertThat(b.frameTimes()[clip][k]).isEqualTo(k);
                    }
                    assertThat(Arrays.copyOfRange(b.pairLabels(), clip * pairs.length, (clip + 1) * pairs.length))
                            .containsOnly(TokenMasking.IGNORED);
                    // the clip-level statement: its answer is masked and is the label there
                    long[] statement = Arrays.copyOfRange(b.ids()[clip], f * l, (f + 1) * l);
                    int at = -1;
                    for (int t = 0; t < l; t++) {
                        if (statement[t] == tokens.maskId()) {
                            at = t;
                        }
                    }
                    assertThat(at).isPositive();
                    String answer = tokens.word(b.tokenLabels()[clip][f * l + at]);
                    assertThat(batch.get(clip).attributes()).containsValue(answer);
                    continue;
                }
                // shuffled: every slot shows one of the clip's frames, once; the time is unknown; no text
                int[] perm = new int[f];
                boolean[] used = new boolean[f];
                for (int s = 0; s < f; s++) {
                    perm[s] = -1;
                    for (int k = 0; k < f; k++) {
                        if (!used[k]
                                && Arrays.equals(
                                        slots.get(s).rgb(), original.get(k).rgb())) {
                            perm[s] = k;
                            used[k] = true;
                            break;
                        }
                    }
                    assertThat(perm[s]).isNotNegative();
                    assertThat(b.frameTimes()[clip][s]).isEqualTo(f + s);
                }
                boolean identity = true;
                for (int s = 0; s < f; s++) {
                    identity &= perm[s] == s;
                }
                assertThat(identity).isFalse();
                for (int p = 0; p < pairs.length; p++) {
                    assertThat(b.pairLabels()[clip * pairs.length + p])
                            .isEqualTo(perm[pairs[p][0]] < perm[pairs[p][1]] ? 1 : 0);
                }
                assertThat(b.tokenLabels()[clip]).containsOnly(TokenMasking.IGNORED);
                for (int k = 0; k <= f; k++) {
                    assertThat(b.ids()[clip][k * l + 2]).isZero();
                }
            }
        }
    }

    @Test
    void frameTokensNeverSeeTheTextButTheWordsSeeTheFrames() {
        Engine.getEngine("PyTorch").setRandomSeed(2);
        MerlotConfig c = MerlotTestSupport.config();
        MerlotTrainable model = MerlotFactory.create("merlot-test", c);
        try (NDManager m = NDManager.newBaseManager("PyTorch");
                Dataset data = MerlotTestSupport.clips()) {
            model.initialize(m);
            ParameterStore ps = new ParameterStore(m, false);
            NDList in = model.inputs(m, examples(data, 4), new SplittableRandom(1));
            NDList a = model.block().forward(ps, in, false);
            NDList changedText = new NDList(in.get(0), in.get(1).zerosLike().add(5), in.get(2), in.get(3));
            NDList b = model.block().forward(ps, changedText, false);
            assertThat(maxDifference(a.get(0), b.get(0))).isLessThan(1e-5);
            assertThat(maxDifference(a.get(3), b.get(3))).isLessThan(1e-5);
            assertThat(maxDifference(a.get(2), b.get(2))).isGreaterThan(1e-3);
            NDList changedFrames = new NDList(in.get(0).neg(), in.get(1), in.get(2), in.get(3));
            NDList d = model.block().forward(ps, changedFrames, false);
            assertThat(maxDifference(a.get(2), d.get(2))).isGreaterThan(1e-3);
            // the sentences are read alone: frames do not change them
            assertThat(maxDifference(a.get(1), d.get(1))).isLessThan(1e-5);
        }
    }

    @Test
    void theOrderHeadReadsTheMotionBetweenTwoFramesAndOlderVersionsKeepTheirHead() {
        Engine.getEngine("PyTorch").setRandomSeed(4);
        MerlotConfig c = MerlotTestSupport.config();
        MerlotTrainable model = MerlotFactory.create("merlot-test", c);
        try (NDManager m = NDManager.newBaseManager("PyTorch");
                Dataset data = MerlotTestSupport.clips()) {
            model.initialize(m);
            assertThat(model.block().getChildren().keys())
                    .anyMatch(k -> k.endsWith("motion_projection"))
                    .anyMatch(k -> k.endsWith("order_context"));
            ParameterStore ps = new ParameterStore(m, false);
            NDList in = model.inputs(m, examples(data, 4), new SplittableRandom(1));
            NDList a = model.block().forward(ps, in, false);
            // the motion map alone moves the order scores: zero its projection and the scores change
            NDArray w = null;
            for (var child : model.block().getChildren()) {
                if (child.getKey().endsWith("motion_projection")) {
                    w = child.getValue().getParameters().get("weight").getArray();
                }
            }
            assertThat(w).isNotNull();
            NDArray kept = w.duplicate();
            w.set(new ai.djl.ndarray.index.NDIndex(":"), 0f);
            NDList b = model.block().forward(ps, in, false);
            assertThat(maxDifference(a.get(3), b.get(3))).isGreaterThan(1e-5);
            // and nothing else
            assertThat(maxDifference(a.get(0), b.get(0))).isLessThan(1e-6);
            assertThat(maxDifference(a.get(2), b.get(2))).isLessThan(1e-6);
            w.set(new ai.djl.ndarray.index.NDIndex(":"), kept);
        }
        // a version saved before motion_channels existed has none: the pair head of the two [CLS] only
        java.util.Properties old = c.toProperties();
        old.remove("motion_channels");
        MerlotConfig before = MerlotConfig.read("old", old, "merlot.properties");
        assertThat(before.motionChannels()).isZero();
        assertThat(new Merlot(before, 32).getChildren().keys()).noneMatch(k -> k.endsWith("motion_projection"));
        assertThatThrownBy(() -> c.with(Map.of("motion_channels", 65), "model"))
                .hasMessageContaining("model.motion_channels");
    }

    @Test
    void keypointsAreTheExpectedPlaceOfEachMap() {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            int side = 8;
            float[] logits = new float[2 * side * side];
            // map 0: all of its weight on pixel (x 3, y 1); map 1: uniform
            logits[side + 3] = 60f;
            NDArray xy = Merlot.softArgmax(m.create(logits, new Shape(1, 2, side, side)), side);
            assertThat(xy.getShape()).isEqualTo(new Shape(1, 2, 2));
            float[] v = xy.toFloatArray();
            assertThat(v[0]).isCloseTo((2f * 3 + 1) / side - 1, org.assertj.core.data.Offset.offset(1e-4f));
            assertThat(v[1]).isCloseTo((2f * 1 + 1) / side - 1, org.assertj.core.data.Offset.offset(1e-4f));
            assertThat(v[2]).isCloseTo(0f, org.assertj.core.data.Offset.offset(1e-5f));
            assertThat(v[3]).isCloseTo(0f, org.assertj.core.data.Offset.offset(1e-5f));
        }
        // a variant with keypoints builds their maps and keeps the outputs' shapes
        Engine.getEngine("PyTorch").setRandomSeed(5);
        MerlotConfig c = MerlotTestSupport.config().with(Map.of("keypoints", 3), "model");
        MerlotTrainable model = MerlotFactory.create("merlot-test", c);
        try (NDManager m = NDManager.newBaseManager("PyTorch");
                Dataset data = MerlotTestSupport.clips()) {
            model.initialize(m);
            assertThat(model.block().getChildren().keys()).anyMatch(k -> k.endsWith("keypoint_maps"));
            NDList out = model.block()
                    .forward(
                            new ParameterStore(m, false),
                            model.inputs(m, examples(data, 4), new SplittableRandom(2)),
                            false);
            assertThat(out.get(3).getShape()).isEqualTo(new Shape(4 * c.pairs(), 2));
        }
        assertThat(MerlotTestSupport.config().keypoints()).isZero();
    }

    private static double maxDifference(NDArray x, NDArray y) {
        return x.sub(y).abs().max().getFloat();
    }

    @Test
    void theDecodedOrderIsTheBestPermutationOfThePairwiseScores() {
        SplittableRandom r = new SplittableRandom(7);
        for (int trial = 0; trial < 50; trial++) {
            int f = 4 + r.nextInt(3);
            int[][] pairs = FrameOrder.pairs(f);
            float[] scores = new float[pairs.length];
            for (int p = 0; p < scores.length; p++) {
                scores[p] = (float) r.nextDouble(0.01, 0.99);
            }
            int[] order = FrameOrder.decode(scores, f);
            assertThat(score(order, scores, pairs))
                    .isCloseTo(bruteForce(f, scores, pairs), org.assertj.core.api.Assertions.within(1e-9));
        }
        // consistent scores give back the permutation: slots hold frames 2, 0, 3, 1
        int[] perm = {2, 0, 3, 1};
        int[][] pairs = FrameOrder.pairs(4);
        float[] scores = new float[pairs.length];
        for (int p = 0; p < pairs.length; p++) {
            scores[p] = perm[pairs[p][0]] < perm[pairs[p][1]] ? 0.8f : 0.2f;
        }
        assertThat(FrameOrder.decode(scores, 4)).containsExactly(1, 3, 0, 2);
    }

    private static double score(int[] order, float[] scores, int[][] pairs) {
        int[] rank = new int[order.length];
        for (int k = 0; k < order.length; k++) {
            rank[order[k]] = k;
        }
        double s = 0;
        for (int p = 0; p < pairs.length; p++) {
            boolean before = rank[pairs[p][0]] < rank[pairs[p][1]];
            s += Math.log(before ? scores[p] : 1 - scores[p]);
        }
        return s;
    }

    private static double bruteForce(int f, float[] scores, int[][] pairs) {
        double[] best = {Double.NEGATIVE_INFINITY};
        permute(new int[f], new boolean[f], 0, scores, pairs, best);
        return best[0];
    }

    private static void permute(int[] order, boolean[] used, int k, float[] scores, int[][] pairs, double[] best) {
        if (k == order.length) {
            best[0] = Math.max(best[0], score(order, scores, pairs));
            return;
        }
        for (int i = 0; i < order.length; i++) {
            if (!used[i]) {
                used[i] = true;
                order[k] = i;
                permute(order, used, k + 1, scores, pairs, best);
                used[i] = false;
            }
        }
    }

    @Test
    void questionsAreReadAndUnknownOnesNamed() {
        assertThat(ClipQuestion.parse("What colour is the shape at the end?")).isEqualTo(ClipQuestion.END_COLOUR);
        assertThat(ClipQuestion.parse("what color is it at the start")).isEqualTo(ClipQuestion.START_COLOUR);
        assertThat(ClipQuestion.parse("Where does it move?")).isEqualTo(ClipQuestion.DIRECTION);
        assertThat(ClipQuestion.parse("what shape is it?")).isEqualTo(ClipQuestion.SHAPE);
        assertThatThrownBy(() -> ClipQuestion.parse("what colour is it?"))
                .isInstanceOfSatisfying(
                        StoaException.class, e -> assertThat(e.code()).isEqualTo(FailureCode.BAD_INPUT))
                .hasMessageContaining("'question'")
                .hasMessageContaining("at the end");
        assertThatThrownBy(() -> ClipQuestion.parse("how are you?")).hasMessageContaining("'question'");
    }

    @Test
    void badVariantKeysAreNamed() {
        MerlotConfig c = MerlotTestSupport.config();
        assertThatThrownBy(() -> c.with(Map.of("frames", 9), "model"))
                .hasMessageContaining("model.frames")
                .hasMessageContaining("4 to 8");
        assertThatThrownBy(() -> c.with(Map.of("heads", 3), "model")).hasMessageContaining("model.heads");
        assertThatThrownBy(() -> c.with(Map.of("order_fraction", 1), "model"))
                .hasMessageContaining("model.order_fraction");
        assertThatThrownBy(() -> c.with(Map.of("depth", 2), "model")).hasMessageContaining("model.depth");
        assertThatThrownBy(() -> MerlotFactory.create("visualbert-x", c)).hasMessageContaining("merlot-");
        assertThat(MerlotTestSupport.tiny().values()).containsEntry("frames", 4).containsEntry("width", 64);
    }
}
