package dev.stoa.vqa.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import dev.stoa.api.dataset.Dataset;
import dev.stoa.api.dataset.Example;
import dev.stoa.datasets.internal.ShapesDatasetFactory;
import dev.stoa.models.gpt.internal.GptFactory;
import dev.stoa.nn.text.ByteTokenizer;
import dev.stoa.nn.train.TrainableModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The trainable on DJL's PyTorch engine with the real GPT decoder, as the trainer drives it. */
class SceneQaFactoryTest {

    private final SceneQaFactory factory = new SceneQaFactory(new GptFactory());

    @Test
    void inputsAreTheCorpusTokensAndTheLossGetsLogitsWithThem(@TempDir Path dir) throws Exception {
        try (Dataset d = new ShapesDatasetFactory()
                        .open(Map.of("image_size", 16, "max_count", 3, "text_probability", 0.5));
                TrainableModel m =
                        factory.create(Map.of("context_length", 128, "width", 32, "few_shot_probability", 0));
                NDManager manager = NDManager.newBaseManager("PyTorch")) {
            assertThat(m.modelId()).isEqualTo("gpt-scene-qa");
            m.initialize(manager);
            List<Example> batch = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                batch.add(d.split("train").get(i));
            }
            NDList in = m.inputs(manager, batch, new SplittableRandom(2));
            assertThat(in.head().getShape().getShape()).containsExactly(4, 128);
            String first = new ByteTokenizer(128).toText(in.head().get(0).toLongArray());
            assertThat(first)
                    .isEqualTo(new SceneQaCorpus(0)
                            .texts(batch, new SplittableRandom(2))
                            .get(0));
            NDList out = m.block().forward(new ParameterStore(manager, false), in, false);
            NDList lossIn = m.lossInputs(out, batch, manager);
            assertThat(lossIn.get(0).getShape().getShape()).containsExactly(4, 128, 260);
            assertThat(lossIn.get(1).toLongArray()).isEqualTo(in.head().toLongArray());
            // untrained, it answers almost nothing right; the metric is there and in [0, 1]
            Map<String, Double> metrics = m.evaluate(d, Map.of("examples", 3), new ParameterStore(manager, false));
            assertThat(metrics).containsKey("answer_accuracy/test");
            assertThat(metrics.values()).allMatch(v -> v >= 0 && v <= 1);
            m.save(dir, null, d);
            Properties p = new Properties();
            try (var r = Files.newInputStream(dir.resolve("variant.properties"))) {
                p.load(r);
            }
            assertThat(p)
                    .containsEntry("tokenizer", "bytes")
                    .containsEntry("width", "32")
                    .containsEntry("context_length", "128");
            assertThat(Files.size(dir.resolve("gpt.params"))).isGreaterThan(1000);
        }
    }

    @Test
    void unknownOptionAndBadProbabilityAreNamed() {
        assertThatThrownBy(() -> factory.create(Map.of("widht", 3)))
                .hasMessageContaining("'widht'")
                .hasMessageContaining("width");
        assertThatThrownBy(() -> factory.create(Map.of("few_shot_probability", 2)))
                .hasMessageContaining("few_shot_probability");
    }
}
