package dev.stoa.nn.heads;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HeadsTest {

    private NDManager manager;
    private ParameterStore store;

    @BeforeEach
    void open() {
        Engine.getEngine("PyTorch").setRandomSeed(3);
        manager = NDManager.newBaseManager("PyTorch");
        store = new ParameterStore(manager, false);
    }

    @AfterEach
    void close() {
        manager.close();
    }

    @Test
    void matchingHeadIsTanhPoolerThenTwoLogits() {
        MatchingHead head = MatchingHead.of(6);
        NDArray p = manager.randomNormal(new Shape(4, 6));
        head.initialize(manager, DataType.FLOAT32, p.getShape());
        NDArray y = head.forward(store, new NDList(p), false).head();
        // y = W2 tanh(W1 p + b1) + b2, with DJL's Linear weights of shape (out, in)
        NDArray w1 = weight(head, "pooler", "weight");
        NDArray b1 = weight(head, "pooler", "bias");
        NDArray w2 = weight(head, "classifier", "weight");
        NDArray b2 = weight(head, "classifier", "bias");
        NDArray expected =
                p.matMul(w1.transpose()).add(b1).tanh().matMul(w2.transpose()).add(b2);
        assertThat(y.getShape()).isEqualTo(new Shape(4, 2));
        assertThat(y.sub(expected).abs().max().getFloat()).isLessThan(1e-5f);
        assertThatThrownBy(() -> head.getOutputShapes(new Shape[] {new Shape(4, 5)}))
                .hasMessageContaining("p (B, 6)");
    }

    @Test
    void maskedTokenHeadIsTransformGeluNormThenVocabulary() {
        MaskedTokenHead head = MaskedTokenHead.of(8, 11);
        NDArray h = manager.randomNormal(new Shape(2, 3, 8));
        head.initialize(manager, DataType.FLOAT32, h.getShape());
        NDArray y = head.forward(store, new NDList(h), false).head();
        NDArray w = weight(head, "transform", "weight");
        NDArray b = weight(head, "transform", "bias");
        NDArray t = ai.djl.nn.Activation.gelu(h.matMul(w.transpose()).add(b));
        // LN over the last axis with the initial gamma 1 and beta 0
        NDArray mean = t.mean(new int[] {2}, true);
        NDArray var = t.sub(mean).square().mean(new int[] {2}, true);
        NDArray n = t.sub(mean).div(var.add(1e-5f).sqrt());
        NDArray expected =
                n.matMul(weight(head, "decoder", "weight").transpose()).add(weight(head, "decoder", "bias"));
        assertThat(y.getShape()).isEqualTo(new Shape(2, 3, 11));
        assertThat(y.sub(expected).abs().max().getFloat()).isLessThan(1e-4f);
    }

    private NDArray weight(Block head, String child, String name) {
        for (ai.djl.util.Pair<String, Block> c : head.getChildren()) {
            // DJL prefixes a child's name with its index ("01pooler")
            if (c.getKey().replaceFirst("^\\d+", "").equals(child)) {
                return c.getValue().getParameters().get(name).getArray();
            }
        }
        throw new AssertionError("no child " + child);
    }

    @Test
    void maskingChoosesAboutPAndSplits80To10To10() {
        TokenMasking masking = new TokenMasking(0.15, 1, 4, 100, false);
        int[][] ids = new int[400][50];
        for (int[] row : ids) {
            for (int t = 0; t < row.length; t++) {
                row[t] = 4 + t; // ids 4..53, all eligible
            }
        }
        TokenMasking.Masked m = masking.mask(ids, id -> id >= 4, new SplittableRandom(7));
        int chosen = m.chosen();
        assertThat(chosen / 20000.0).isCloseTo(0.15, within(0.01));
        int asMask = 0;
        int unchanged = 0;
        for (int b = 0; b < ids.length; b++) {
            for (int t = 0; t < ids[b].length; t++) {
                int label = m.labels()[b][t];
                if (label == TokenMasking.IGNORED) {
                    assertThat(m.ids()[b][t]).isEqualTo(ids[b][t]);
                    continue;
                }
                assertThat(label).isEqualTo(ids[b][t]);
                if (m.ids()[b][t] == 1) {
                    asMask++;
                } else if (m.ids()[b][t] == ids[b][t]) {
                    unchanged++;
                } else {
                    assertThat(m.ids()[b][t]).isBetween(4, 99);
                }
            }
        }
        assertThat(asMask / (double) chosen).isCloseTo(0.8, within(0.03));
        // 10% stay, plus the random replacements that drew the same id (1 in 96)
        assertThat(unchanged / (double) chosen).isCloseTo(0.1 + 0.1 / 96, within(0.02));
        // the input is not modified
        assertThat(ids[0][0]).isEqualTo(4);
    }

    @Test
    void paddingAndSpecialTokensAreNeverChosenAndEveryRowGetsOneWhenAsked() {
        TokenMasking masking = new TokenMasking(0.01, 1, 4, 100, true);
        int[][] ids = {{2, 10, 11, 3, 0, 0}, {2, 12, 3, 0, 0, 0}, {2, 3, 0, 0, 0, 0}};
        for (int seed = 0; seed < 50; seed++) {
            TokenMasking.Masked m = masking.mask(ids, id -> id >= 4, new SplittableRandom(seed));
            for (int b = 0; b < ids.length; b++) {
                long chosen = Arrays.stream(m.labels()[b])
                        .filter(l -> l != TokenMasking.IGNORED)
                        .count();
                // rows 0 and 1 have eligible words: at least one chosen; row 2 has none: nothing
                assertThat(chosen).as("row %d seed %d", b, seed).isEqualTo(b == 2 ? 0 : Math.max(1, chosen));
                for (int t = 0; t < ids[b].length; t++) {
                    if (ids[b][t] < 4) {
                        assertThat(m.labels()[b][t]).isEqualTo(TokenMasking.IGNORED);
                        assertThat(m.ids()[b][t]).isEqualTo(ids[b][t]);
                    }
                }
            }
        }
    }

    @Test
    void preferredPositionsUseTheirOwnProbabilityAndTheSameSeedMasksTheSame() {
        TokenMasking masking = new TokenMasking(0.05, 1, 4, 100, false);
        int[][] ids = new int[200][20];
        boolean[][] preferred = new boolean[200][20];
        for (int b = 0; b < ids.length; b++) {
            for (int t = 0; t < 20; t++) {
                ids[b][t] = 4 + t;
                preferred[b][t] = t < 5;
            }
        }
        TokenMasking.Masked m = masking.mask(ids, id -> id >= 4, preferred, 0.6, new SplittableRandom(1));
        int preferredChosen = 0;
        int otherChosen = 0;
        for (int[] row : m.labels()) {
            for (int t = 0; t < row.length; t++) {
                if (row[t] != TokenMasking.IGNORED) {
                    if (t < 5) {
                        preferredChosen++;
                    } else {
                        otherChosen++;
                    }
                }
            }
        }
        assertThat(preferredChosen / 1000.0).isCloseTo(0.6, within(0.05));
        assertThat(otherChosen / 3000.0).isCloseTo(0.05, within(0.015));
        TokenMasking.Masked again = masking.mask(ids, id -> id >= 4, preferred, 0.6, new SplittableRandom(1));
        assertThat(again.ids()).isDeepEqualTo(m.ids());
        assertThat(again.labels()).isDeepEqualTo(m.labels());
        assertThatThrownBy(() -> new TokenMasking(0, 1, 4, 100, false)).hasMessageContaining("(0, 1]");
    }
}
