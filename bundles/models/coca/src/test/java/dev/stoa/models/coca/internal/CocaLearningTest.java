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
 * A short training of the small variant (500 steps of 32, 45-75 CPU-seconds) on one-shape scenes at 32 px: both of
 * CoCa's objectives learn. The loss falls below 0.6 of its start, its contrastive part below 0.9 of its start (ln 32
 * at first), and the greedy captions of 200 held-out scenes name the colour well above chance (6 colours: chance
 * 1/6, asked above 0.3). Zero-shot top-1 is printed, not asserted: at 300 steps and lr 2e-3 three runs of one seed
 * gave 0.445, 0.195 and 0.045 (PyTorch's CPU kernels are not bit-reproducible across thread counts, and the
 * contrastive part learns late at batch 32, where a batch holds many scenes of one class).
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
            int steps = Integer.getInteger("coca.learning.steps", 500);
            List<Float> losses = CocaTestSupport.train(model, loss, data, m, steps, 32, 1e-3f);
            double first = CocaTestSupport.mean(losses.subList(0, 10));
            double last = CocaTestSupport.mean(losses.subList(steps - 20, steps));
            List<Float> con = CocaTestSupport.CONTRASTIVE;
            double conFirst = CocaTestSupport.mean(con.subList(0, 10));
            double conLast = CocaTestSupport.mean(con.subList(steps - 20, steps));
            List<Example> held = TrainingExamples.first(data.split("test"), 200);
            Map<String, Double> out = new CocaEvaluation(model.block(), model.tokenizer())
                    .evaluate(data.labels(), data.promptTemplates(), held, "test", new ParameterStore(m, false));
            System.out.printf(
                    "coca-learning loss %.3f -> %.3f, contrastive %.3f -> %.3f, skipped %d, %.0f CPU-s, %s%n",
                    first,
                    last,
                    conFirst,
                    conLast,
                    CocaTestSupport.SKIPPED.get(),
                    (os.getProcessCpuTime() - cpu0) / 1e9,
                    out);
            assertThat(last).isLessThan(0.6 * first);
            assertThat(conLast).isLessThan(0.9 * conFirst);
            assertThat(out.get("caption_colour_accuracy/test")).isGreaterThan(0.3);
            assertThat(CocaTestSupport.SKIPPED.get()).isLessThan(steps / 4);
        } finally {
            model.close();
            data.close();
        }
    }
}
