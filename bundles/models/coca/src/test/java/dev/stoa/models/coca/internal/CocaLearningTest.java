package dev.stoa.models.coca.internal;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.ParameterStore;
import dev.stoa.api.dataset.Dataset;
import dev.stoa.api.dataset.Example;
import dev.stoa.nn.loss.TrainingLoss;
import dev.stoa.nn.train.TrainingExamples;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A short training of the small variant on one-shape scenes at 32 px: both of CoCa's objectives learn. The loss falls
 * well below its start; on 200 held-out scenes zero-shot top-1 (30 classes: chance 1/30, asked above 0.08) and the greedy
 * captions' colour (6 colours: chance 1/6, asked above 0.3) rise above chance by more than three standard errors.
 * Two runs of the same seed gave 0.445 and 0.195 zero-shot, 0.98 and 0.655 colour (PyTorch's CPU kernels are not
 * bit-reproducible across thread counts and the learning at 300 steps is steep), hence the margins.
 */
class CocaLearningTest {

    @Test
    void contrastiveAndCaptioningBothLearn() {
        var os = (com.sun.management.OperatingSystemMXBean)
                java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        long cpu0 = os.getProcessCpuTime();
        Engine.getEngine("PyTorch").setRandomSeed(11);
        Dataset data = CocaTestSupport.shapes();
        CocaTrainable model = CocaTestSupport.model(CocaTestSupport.config());
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            model.initialize(m);
            TrainingLoss loss = CocaTestSupport.loss();
            loss.initialize(
                    m,
                    DataType.FLOAT32,
                    new ai.djl.ndarray.types.Shape(1, 32),
                    new ai.djl.ndarray.types.Shape(1, 32),
                    new ai.djl.ndarray.types.Shape(1, 40, 260),
                    new ai.djl.ndarray.types.Shape(1, 40));
            int steps = Integer.getInteger("coca.learning.steps", 300);
            List<Float> losses = CocaTestSupport.train(model, loss, data, m, steps, 32, 2e-3f);
            double first = CocaTestSupport.mean(losses.subList(0, 10));
            double last = CocaTestSupport.mean(losses.subList(steps - 20, steps));
            List<Example> held = TrainingExamples.first(data.split("test"), 200);
            Map<String, Double> out = new CocaEvaluation(model.block(), model.tokenizer())
                    .evaluate(data.labels(), data.promptTemplates(), held, "test", new ParameterStore(m, false));
            System.out.printf(
                    "coca-learning loss %.3f -> %.3f, skipped %d, %.0f CPU-s, %s%n",
                    first, last, CocaTestSupport.SKIPPED.get(), (os.getProcessCpuTime() - cpu0) / 1e9, out);
            assertThat(last).isLessThan(0.6 * first);
            assertThat(out.get("zero_shot_top1/test")).isGreaterThan(0.08);
            assertThat(out.get("caption_colour_accuracy/test")).isGreaterThan(0.3);
            assertThat(CocaTestSupport.SKIPPED.get()).isLessThan(steps / 4);
        } finally {
            model.close();
            data.close();
        }
    }
}
