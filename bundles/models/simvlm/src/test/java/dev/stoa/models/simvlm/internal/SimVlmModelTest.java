package dev.stoa.models.simvlm.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.stoa.api.StoaException;
import dev.stoa.api.dataset.Dataset;
import dev.stoa.api.dataset.Example;
import dev.stoa.nn.image.ImagePixels;
import dev.stoa.nn.text.SpecialTokens;
import dev.stoa.nn.train.TrainingExamples;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** SimVLM's shapes, its prefix-LM rows and the masks that make it a prefix LM (with an untrained model). */
class SimVlmModelTest {

    private static Dataset data;
    private static NDManager manager;
    private static SimVlmTrainable model;
    private static ParameterStore ps;

    @BeforeAll
    static void build() {
        Engine.getEngine("PyTorch").setRandomSeed(1);
        data = SimVlmTestSupport.shapes(3);
        manager = NDManager.newBaseManager("PyTorch");
        model = SimVlmFactory.create("simvlm-test", SimVlmTestSupport.config(3, 0.25));
        model.initialize(manager);
        ps = new ParameterStore(manager, false);
    }

    @AfterAll
    static void close() {
        manager.close();
        data.close();
    }

    private static List<Example> examples(int n) {
        return TrainingExamples.first(data.split("train"), n);
    }

    @Test
    void forwardGivesLogitsPerDecoderPositionAndPassesTheTargetsThrough() {
        NDList in = model.inputs(manager, examples(5), new SplittableRandom(0));
        assertThat(in.getShapes())
                .containsExactly(
                        new Shape(5, 3, 32, 32), new Shape(5, 6), new Shape(5), new Shape(5, 8), new Shape(5, 8));
        NDList out = model.block().forward(ps, in, false);
        assertThat(out).hasSize(2);
        assertThat(out.get(0).getShape())
                .isEqualTo(new Shape(5, 8, model.words().vocabularySize()));
        assertThat(out.get(1).toLongArray()).containsExactly(in.get(4).toLongArray());
        assertThat(model.block().config().patches()).isEqualTo(16);
    }

    @Test
    void eachRowIsItsCaptionCutAtARandomPointTextOnlyRowsWithoutImageAndNeverWithoutPrefix() {
        List<Example> batch = examples(400);
        PrefixLmBatches.Batch b = model.batches().make(batch, new SplittableRandom(7));
        Set<Integer> cuts = new HashSet<>();
        int textOnly = 0;
        for (int i = 0; i < batch.size(); i++) {
            List<Long> prefix = new ArrayList<>();
            for (long id : b.prefix()[i]) {
                if (id != SpecialTokens.PAD) {
                    prefix.add(id);
                }
            }
            // the decoder reads START + suffix, the targets are the suffix + END: shifted by one
            assertThat(b.decoder()[i][0]).isEqualTo(SpecialTokens.START);
            List<Long> suffix = new ArrayList<>();
            int t = 0;
            while (b.targets()[i][t] != SpecialTokens.END) {
                assertThat(b.decoder()[i][t + 1]).isEqualTo(b.targets()[i][t]);
                suffix.add(b.targets()[i][t]);
                t++;
            }
            for (int j = t + 1; j < b.targets()[i].length; j++) {
                assertThat(b.targets()[i][j]).isEqualTo(SpecialTokens.PAD);
            }
            assertThat(suffix).isNotEmpty();
            List<Long> whole = new ArrayList<>(prefix);
            whole.addAll(suffix);
            String caption = model.words()
                    .toText(whole.stream().mapToLong(Long::longValue).toArray());
            SceneText.Scene scene = SceneText.scene(batch.get(i));
            assertThat(caption)
                    .endsWith(
                            SceneText.NUMBERS.get(scene.count() - 1) + " " + scene.colour() + " " + scene.shapeWord());
            cuts.add(prefix.size());
            if (b.shown()[i] == 0f) {
                textOnly++;
                assertThat(prefix).isNotEmpty();
            } else {
                assertThat(b.shown()[i]).isEqualTo(1f);
            }
        }
        assertThat(cuts).contains(0, 1, 2, 3, 4, 5);
        assertThat(textOnly).isBetween(70, 130); // a quarter of 400 rows
    }

    @Test
    void theEncoderReadsThePrefixBidirectionallyAndTheImageOnlyWhenShown() {
        SimVlm block = model.block();
        Example e = examples(1).get(0);
        NDArray image = ImagePixels.batch(manager, List.of(e.image()), 32);
        NDArray other = ImagePixels.batch(manager, List.of(examples(2).get(1).image()), 32);
        long[] words = model.words().toIds("two red circles");
        NDArray prefix = manager.create(java.util.Arrays.copyOf(words, 6), new Shape(1, 6));
        long[] changed = java.util.Arrays.copyOf(words, 6);
        changed[2] = model.words().toIds("stars")[0];
        NDArray prefix2 = manager.create(changed, new Shape(1, 6));
        NDArray shown = manager.create(new float[] {1f});
        NDArray dropped = manager.create(new float[] {0f});
        int n = block.config().patches();

        NDArray a = block.encode(ps, image, prefix, shown, false).states();
        // the last prefix word changes the states of the first prefix word and of the image tokens: bidirectional
        NDArray b = block.encode(ps, image, prefix2, shown, false).states();
        assertThat(diff(a.get(":, " + n + ", :"), b.get(":, " + n + ", :"))).isGreaterThan(1e-4f);
        assertThat(diff(a.get(":, 0, :"), b.get(":, 0, :"))).isGreaterThan(1e-4f);
        // another image changes the prefix's states when it is shown...
        NDArray c = block.encode(ps, other, prefix, shown, false).states();
        assertThat(diff(a.get(":, " + n + ":, :"), c.get(":, " + n + ":, :"))).isGreaterThan(1e-4f);
        // ...and nothing the decoder reads when it is dropped (a text-only row)
        SimVlm.Memory d1 = block.encode(ps, image, prefix, dropped, false);
        SimVlm.Memory d2 = block.encode(ps, other, prefix, dropped, false);
        assertThat(d1.keep().toBooleanArray()).startsWith(new boolean[n]);
        NDArray ids = manager.create(new long[] {SpecialTokens.START, words[0]}, new Shape(1, 2));
        assertThat(diff(block.decode(ps, d1, ids, false), block.decode(ps, d2, ids, false)))
                .isLessThan(1e-6f);
        assertThat(diff(
                        block.decode(ps, d1, ids, false),
                        block.decode(ps, block.encode(ps, image, prefix, shown, false), ids, false)))
                .isGreaterThan(1e-4f);
        // the padding after the prefix is not kept
        assertThat(block.encode(ps, image, prefix, shown, false).keep().toBooleanArray())
                .endsWith(true, true, true, false, false, false);
    }

    @Test
    void theDecoderIsCausal() {
        SimVlm block = model.block();
        NDList in = model.inputs(manager, examples(1), new SplittableRandom(3));
        SimVlm.Memory memory = block.encode(ps, in.get(0), in.get(1), in.get(2), false);
        long[] ids = {SpecialTokens.START, 10, 11, 12, 13, 14, 15, 16};
        NDArray before = block.decode(ps, memory, manager.create(ids, new Shape(1, 8)), false);
        for (int j = 1; j < 8; j++) {
            long[] changed = ids.clone();
            changed[j] = 20;
            NDArray after = block.decode(ps, memory, manager.create(changed, new Shape(1, 8)), false);
            assertThat(diff(before.get(":, :" + j + ", :"), after.get(":, :" + j + ", :")))
                    .as("positions before %d", j)
                    .isLessThan(1e-6f);
            assertThat(diff(before.get(":, " + j + ":, :"), after.get(":, " + j + ":, :")))
                    .as("positions from %d", j)
                    .isGreaterThan(1e-4f);
        }
    }

    @Test
    void theLossIsTheCrossEntropyOfTheSuffixOnly() {
        NDList in = model.inputs(manager, examples(6), new SplittableRandom(11));
        NDList out = model.block().forward(ps, in, false);
        float loss = SimVlmTestSupport.loss()
                .evaluate(ps, model.lossInputs(out, examples(6), manager), false)
                .total()
                .getFloat();
        // by hand: -log softmax at every target that is not PAD, averaged over those targets
        float[] z = out.get(0).toFloatArray();
        long[] targets = in.get(4).toLongArray();
        int v = model.words().vocabularySize();
        double sum = 0;
        int count = 0;
        for (int p = 0; p < targets.length; p++) {
            if (targets[p] == SpecialTokens.PAD) {
                continue;
            }
            double max = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < v; k++) {
                max = Math.max(max, z[p * v + k]);
            }
            double norm = 0;
            for (int k = 0; k < v; k++) {
                norm += Math.exp(z[p * v + k] - max);
            }
            sum -= z[p * v + (int) targets[p]] - max - Math.log(norm);
            count++;
        }
        assertThat(count).isLessThan(targets.length); // some positions are ignored
        assertThat((double) loss).isCloseTo(sum / count, org.assertj.core.data.Offset.offset(1e-4));
        // logits at ignored positions do not matter
        NDArray noisy = out.get(0)
                .add(in.get(4)
                        .eq(SpecialTokens.PAD)
                        .expandDims(2)
                        .toType(ai.djl.ndarray.types.DataType.FLOAT32, false)
                        .mul(50f));
        float same = SimVlmTestSupport.loss()
                .evaluate(ps, new NDList(noisy, in.get(4)), false)
                .total()
                .getFloat();
        assertThat(same).isCloseTo(loss, org.assertj.core.data.Offset.offset(1e-5f));
    }

    @Test
    void badVariantKeysAreNamed() {
        Properties p = SimVlmTestSupport.config(3, 0).toProperties();
        assertThatThrownBy(() -> SimVlmTestSupport.config(3, 0).with(Map.of("depth", 2), "model"))
                .isInstanceOf(StoaException.class)
                .hasMessageContaining("model.depth");
        assertThatThrownBy(() -> SimVlmTestSupport.config(3, 0).with(Map.of("patch_size", 5), "model"))
                .hasMessageContaining("model.patch_size");
        assertThatThrownBy(() -> SimVlmTestSupport.config(3, 0).with(Map.of("text_only_fraction", 1), "model"))
                .hasMessageContaining("model.text_only_fraction");
        assertThatThrownBy(() -> SimVlmFactory.create("clip-x", SimVlmTestSupport.config(3, 0)))
                .hasMessageContaining("model.model_id");
        assertThat(SimVlmConfig.read("x", p, "x").values())
                .isEqualTo(SimVlmTestSupport.config(3, 0).values());
    }

    private static float diff(NDArray a, NDArray b) {
        return a.sub(b).abs().max().getFloat();
    }
}
