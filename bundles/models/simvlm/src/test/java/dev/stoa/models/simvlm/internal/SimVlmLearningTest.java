package dev.stoa.models.simvlm.internal;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import dev.stoa.api.dataset.Dataset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A short training of a small variant learns: the prefix-LM loss falls well below its start, and the greedy captions
 * of held-out scenes name the colour far above chance (1/6), as does the completion of "two" (what 600 steps reliably
 * learn; the shape comes later, see the README's measured numbers).
 */
class SimVlmLearningTest {

    @Test
    void aShortTrainingLearnsToNameTheColourOfHeldOutScenes() {
        Engine.getEngine("PyTorch").setRandomSeed(3);
        SimVlmTrainable model = SimVlmFactory.create("simvlm-test", SimVlmTestSupport.config(3, 0.25));
        try (NDManager m = NDManager.newBaseManager("PyTorch");
                Dataset data = SimVlmTestSupport.shapes(3)) {
            model.initialize(m);
            int before = SimVlmTestSupport.SKIPPED.get();
            var os = (com.sun.management.OperatingSystemMXBean)
                    java.lang.management.ManagementFactory.getOperatingSystemMXBean();
            long cpu0 = os.getProcessCpuTime();
            List<Float> losses = SimVlmTestSupport.train(model, data, m, 600, 32);
            Map<String, Double> metrics =
                    model.evaluate(data, Map.of("split", "test", "examples", 300), new ParameterStore(m, false));
            System.out.println("simvlm learning test: " + (os.getProcessCpuTime() - cpu0) / 1_000_000_000
                    + " CPU-s, loss " + losses.get(0) + " -> " + SimVlmTestSupport.mean(losses.subList(580, 600)) + ", "
                    + metrics);
            assertThat(SimVlmTestSupport.mean(losses.subList(580, 600)))
                    .isLessThan(0.5 * SimVlmTestSupport.mean(losses.subList(0, 5)));
            assertThat(metrics.get("caption_colour_accuracy/test")).isGreaterThan(0.4);
            assertThat(metrics.get("completion_colour_accuracy/test")).isGreaterThan(0.4);
            assertThat(SimVlmTestSupport.SKIPPED.get() - before).isLessThan(100);
        }
    }
}
