package dev.stoa.models.fusion.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.stoa.api.StoaException;
import dev.stoa.api.dataset.Dataset;
import dev.stoa.api.dataset.Example;
import dev.stoa.models.fusion.internal.SceneCaptions.Attribute;
import dev.stoa.models.fusion.internal.SceneCaptions.Scene;
import dev.stoa.nn.heads.TokenMasking;
import dev.stoa.nn.image.ImagePixels;
import dev.stoa.nn.text.SpecialTokens;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class VisualBertModelTest {

    @Test
    void forwardGivesTokenLogitsOverTheTextAndTwoMatchingLogitsAndPassesTheLabelsThrough() {
        Engine.getEngine("PyTorch").setRandomSeed(1);
        VisualBertConfig config = FusionTestSupport.config(3);
        VisualBertTrainable model = VisualBertFactory.create("visualbert-test", config);
        try (NDManager m = NDManager.newBaseManager("PyTorch");
                Dataset data = FusionTestSupport.shapes(3)) {
            model.initialize(m);
            List<Example> examples = examples(data, 6);
            NDList in = model.inputs(m, examples, new SplittableRandom(2));
            assertThat(in.getShapes())
                    .containsExactly(new Shape(6, 10), new Shape(6, 3, 32, 32), new Shape(6, 10), new Shape(6));
            NDList out = model.block().forward(new ParameterStore(m, false), in, false);
            int v = model.tokens().vocabularySize();
            assertThat(out.getShapes())
                    .containsExactly(new Shape(6, 10, v), new Shape(6, 2), new Shape(6, 10), new Shape(6));
            assertThat(out.get(2).toLongArray()).isEqualTo(in.get(2).toLongArray());
            // one word vocabulary for every caption: colours, shapes and their plurals, numbers, and the mask after
            assertThat(v)
                    .isEqualTo(SpecialTokens.COUNT + SceneCaptions.vocabulary().size() + 1);
            assertThatThrownBy(() -> model.block()
                            .forward(
                                    new ParameterStore(m, false),
                                    new NDList(in.get(0), in.get(1).get(":, :, :16, :16")),
                                    false))
                    .hasMessageContaining("image (B, 3, 32, 32)");
        }
    }

    @Test
    void theImageIsNeverMaskedOnlyWordsOfMatchingCaptionsAre() {
        VisualBertConfig config = FusionTestSupport.config(3);
        VisualBertTrainable model = VisualBertFactory.create("visualbert-test", config);
        FusionTokens tokens = model.tokens();
        try (NDManager m = NDManager.newBaseManager("PyTorch");
                Dataset data = FusionTestSupport.shapes(3)) {
            List<Example> examples = examples(data, 64);
            NDList in = model.inputs(m, examples, new SplittableRandom(5));
            // the image the model reads is exactly the examples' pixels, whatever was masked in the text
            float[] expected = ImagePixels.batch(
                            m, examples.stream().map(Example::image).toList(), 32)
                    .toFloatArray();
            assertThat(in.get(1).toFloatArray()).containsExactly(expected);

            PretrainingPairs.Batch b = model.pairs().make(examples, new SplittableRandom(5));
            int mlmRows = 0;
            int negatives = 0;
            for (int i = 0; i < examples.size(); i++) {
                long[] caption = tokens.encode(SceneCaptions.caption(SceneCaptions.scene(examples.get(i)), 0));
                boolean masked = Arrays.stream(b.labels()[i]).anyMatch(l -> l != TokenMasking.IGNORED);
                if (b.aligned()[i] == TokenMasking.IGNORED) {
                    mlmRows++;
                    assertThat(masked).as("an MLM row masks at least one word").isTrue();
                    for (int t = 0; t < caption.length; t++) {
                        if (b.labels()[i][t] != TokenMasking.IGNORED) {
                            assertThat(tokens.isWord(b.labels()[i][t])).isTrue();
                        }
                    }
                } else {
                    assertThat(masked).as("a matching row is not masked").isFalse();
                    assertThat(Arrays.stream(b.ids()[i]).noneMatch(id -> id == tokens.maskId()))
                            .isTrue();
                    negatives += b.aligned()[i] == 0 ? 1 : 0;
                }
            }
            assertThat(mlmRows).isBetween(16, 48);
            assertThat(negatives).isGreaterThan(4);
        }
    }

    @Test
    void aHardNegativeChangesExactlyOneAttribute() {
        SplittableRandom r = new SplittableRandom(3);
        Scene s = new Scene("red", "cross", 2);
        assertThat(SceneCaptions.caption(s, 1)).isEqualTo("there are two red crosses");
        for (int i = 0; i < 200; i++) {
            Attribute a = SceneCaptions.attribute(3, r);
            Scene t = s.change(a, r, 3);
            int differences = (t.colour().equals(s.colour()) ? 0 : 1)
                    + (t.shape().equals(s.shape()) ? 0 : 1)
                    + (t.count() == s.count() ? 0 : 1);
            assertThat(differences).isEqualTo(1);
            assertThat(t.count()).isBetween(1, 3);
            assertThat(SceneCaptions.caption(t, 2)).isNotEqualTo(SceneCaptions.caption(s, 2));
        }
        assertThat(SceneCaptions.attribute(1, r)).isNotEqualTo(Attribute.COUNT);
    }

    @Test
    void badVariantKeysAreNamed() {
        Properties p = FusionTestSupport.config(3).toProperties();
        p.setProperty("heads", "3");
        assertThatThrownBy(() -> VisualBertConfig.read("x", p, "variants/x.properties"))
                .isInstanceOf(StoaException.class)
                .hasMessageContaining("variants/x.properties.heads is '3'; use a divisor of width 32");
        Properties q = FusionTestSupport.config(3).toProperties();
        q.setProperty("depth", "3");
        assertThatThrownBy(() -> VisualBertConfig.read("x", q, "model"))
                .hasMessageContaining("model.depth is not an option");
        assertThatThrownBy(() -> VisualBertFactory.create("clip-x", FusionTestSupport.config(3)))
                .hasMessageContaining("model.model_id");
    }

    static List<Example> examples(Dataset data, int n) {
        List<Example> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(data.split("train").get(i));
        }
        return out;
    }
}
