package dev.stoa.models.coca.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import dev.stoa.api.dataset.Dataset;
import dev.stoa.api.dataset.Example;
import dev.stoa.nn.text.SpecialTokens;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** CoCa's forward: the shapes, and what each half of the text decoder may see. */
class CocaModelTest {

    private NDManager manager;
    private ParameterStore ps;
    private CocaTrainable model;
    private Dataset data;

    @BeforeEach
    void open() {
        Engine.getEngine("PyTorch").setRandomSeed(7);
        manager = NDManager.newBaseManager("PyTorch");
        ps = new ParameterStore(manager, false);
        model = CocaTestSupport.model(CocaTestSupport.config());
        model.initialize(manager);
        data = CocaTestSupport.shapes();
    }

    @AfterEach
    void close() {
        model.close();
        manager.close();
    }

    private List<Example> examples(int from, int n) {
        List<Example> out = new java.util.ArrayList<>();
        for (int i = from; i < from + n; i++) {
            out.add(data.split("train").get(i));
        }
        return out;
    }

    @Test
    void outputsAreWhatTheCocaLossTakes() {
        NDList in = model.inputs(manager, examples(0, 3), new SplittableRandom(1));
        NDList out = model.block().forward(ps, in, false);
        assertThat(out.getShapes())
                .containsExactly(new Shape(3, 32), new Shape(3, 32), new Shape(3, 40, 260), new Shape(3, 40));
        // the ids pass through as the captioning targets
        assertThat(out.get(3).toLongArray()).containsExactly(in.get(1).toLongArray());
        // both contrastive embeddings are unit rows
        for (int k = 0; k < 2; k++) {
            for (float norm : out.get(k).square().sum(new int[] {1}).toFloatArray()) {
                assertThat(norm).isCloseTo(1f, within(1e-4f));
            }
        }
        // the loss accepts them and gives finite, positive parts
        var loss = CocaTestSupport.loss();
        loss.initialize(manager, ai.djl.ndarray.types.DataType.FLOAT32, out.getShapes());
        var terms = loss.evaluate(ps, out, false);
        assertThat(terms.parts().get("contrastive_loss").getFloat())
                .isPositive()
                .isFinite();
        assertThat(terms.parts().get("caption_loss").getFloat()).isPositive().isFinite();
        // the caption pooler has caption_queries queries, the contrastive pooler one
        NDList image = model.block().encodeImage(ps, in.get(0), false);
        assertThat(image.get(0).getShape()).isEqualTo(new Shape(3, 32));
        assertThat(image.get(1).getShape()).isEqualTo(new Shape(3, 8, 32));
    }

    @Test
    void theUnimodalHalfNeverSeesTheImageButTheCaptionerDoes() {
        NDList in = model.inputs(manager, examples(0, 4), new SplittableRandom(1));
        NDList other = model.inputs(manager, examples(4, 4), new SplittableRandom(1));
        // the same texts with other images
        NDList swapped = new NDList(other.get(0), in.get(1), in.get(2));
        NDList a = model.block().forward(ps, in, false);
        NDList b = model.block().forward(ps, swapped, false);
        assertThat(a.get(1).sub(b.get(1)).abs().max().getFloat()).isEqualTo(0f);
        assertThat(a.get(0).sub(b.get(0)).abs().max().getFloat()).isGreaterThan(1e-4f);
        assertThat(a.get(2).sub(b.get(2)).abs().max().getFloat()).isGreaterThan(1e-4f);
    }

    @Test
    void bothDecodersAreCausal() {
        NDList in = model.inputs(manager, examples(0, 2), new SplittableRandom(1));
        long[] ids = in.get(1).toLongArray();
        long[] lengths = in.get(2).toLongArray();
        int t = 40;
        int k = 5;
        assertThat(lengths[0]).isGreaterThan(k + 1);
        long[] changed = ids.clone();
        changed[k] = changed[k] == 100 ? 101 : 100;
        NDList a = model.block().forward(ps, in, false);
        NDList b = model.block()
                .forward(ps, new NDList(in.get(0), manager.create(changed, new Shape(2, t)), in.get(2)), false);
        NDArray before = a.get(2).get(":, :" + k + ", :").sub(b.get(2).get(":, :" + k + ", :"));
        NDArray at = a.get(2).get("0, " + k + ":, :").sub(b.get(2).get("0, " + k + ":, :"));
        assertThat(before.abs().max().getFloat()).isEqualTo(0f);
        assertThat(at.abs().max().getFloat()).isGreaterThan(1e-4f);
        // the end token's embedding reads the whole text: it changes; the other row's does not
        assertThat(a.get(1).get(0).sub(b.get(1).get(0)).abs().max().getFloat()).isGreaterThan(1e-4f);
        assertThat(a.get(1).get(1).sub(b.get(1).get(1)).abs().max().getFloat()).isEqualTo(0f);
        // and positions after the end token (padding) do not reach the text embedding
        long[] padded = ids.clone();
        padded[(int) lengths[0] + 1] = 77;
        NDList c = model.block()
                .forward(ps, new NDList(in.get(0), manager.create(padded, new Shape(2, t)), in.get(2)), false);
        assertThat(a.get(1).sub(c.get(1)).abs().max().getFloat()).isEqualTo(0f);
        assertThat(ids[0]).isEqualTo(SpecialTokens.START);
        assertThat(ids[(int) lengths[0] - 1]).isEqualTo(SpecialTokens.END);
    }

    @Test
    void greedyCaptionsAreDeterministicText() {
        NDList in = model.inputs(manager, examples(0, 3), new SplittableRandom(1));
        CocaGreedy greedy = new CocaGreedy(model.block(), model.tokenizer());
        List<String> first = greedy.captions(ps, in.get(0));
        assertThat(first).hasSize(3).isEqualTo(greedy.captions(ps, in.get(0)));
    }

    @Test
    void badVariantKeysAreNamed() {
        Properties p = CocaTestSupport.config().toProperties();
        p.setProperty("text_layers", "3");
        assertThatThrownBy(() -> CocaConfig.read("x", p, "model"))
                .isInstanceOf(StoaException.class)
                .hasMessageContaining("model.text_layers")
                .satisfies(e -> assertThat(((StoaException) e).code()).isEqualTo(FailureCode.BAD_CONFIG));
        assertThatThrownBy(() -> CocaTestSupport.config().with(Map.of("depth", 2), "model"))
                .hasMessageContaining("model.depth is not an option");
        assertThatThrownBy(() -> CocaTestSupport.config().with(Map.of("image_widths", "a,b"), "model"))
                .hasMessageContaining("model.image_widths");
        assertThatThrownBy(() -> CocaFactory.create(
                        "clip-x", CocaTestSupport.config(), new dev.stoa.encoders.internal.ResNetEncoderFactory()))
                .hasMessageContaining("model.model_id");
    }
}
