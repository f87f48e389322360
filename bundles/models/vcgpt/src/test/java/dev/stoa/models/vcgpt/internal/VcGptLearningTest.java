package dev.stoa.models.vcgpt.internal;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import dev.stoa.api.dataset.Dataset;
import dev.stoa.nn.lm.PretrainedLanguageModel;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A short training as the trainer runs it: the captioning loss on the self-ensembled logits falls, only the fusion
 * module learns, and the frozen parts (the published GPT and the ViT that gives the grid) stay bit-identical.
 */
class VcGptLearningTest {

    @TempDir
    Path store;

    @Test
    void lossFallsWhileTheLanguageModelAndTheImageEncoderStayBitIdentical() throws Exception {
        PretrainedLanguageModel lm = VcGptTestSupport.publishLm(store);
        Dataset data = VcGptTestSupport.scenes();
        try (VcGptTestSupport.VitGrid grid = new VcGptTestSupport.VitGrid();
                NDManager m = NDManager.newBaseManager("PyTorch")) {
            VcGptTrainable model = VcGptTestSupport.trainable(VcGptTestSupport.config("ensemble"), lm, grid);
            model.initialize(m);
            Map<String, float[]> gpt = VcGptTestSupport.snapshot(model.block().lm());
            Map<String, float[]> vit = VcGptTestSupport.snapshot(grid.vit);
            Map<String, float[]> fusion =
                    VcGptTestSupport.snapshot(model.block().fusion());
            // the published weights were loaded, not the block's own random initialisation
            VcGptTestSupport.snapshot(model.block().lm())
                    .keySet()
                    .forEach(k -> assertThat(gpt.get(k)).isNotEmpty());

            List<Float> losses = VcGptTestSupport.train(model, data, m, 40, 16);

            assertThat(losses).allSatisfy(l -> assertThat(l).isFinite());
            double first = losses.subList(0, 5).stream()
                    .mapToDouble(Float::doubleValue)
                    .average()
                    .orElseThrow();
            double last = losses.subList(35, 40).stream()
                    .mapToDouble(Float::doubleValue)
                    .average()
                    .orElseThrow();
            assertThat(last).as("loss of the last 5 steps against the first 5").isLessThan(0.7 * first);

            Map<String, float[]> gptAfter =
                    VcGptTestSupport.snapshot(model.block().lm());
            gpt.forEach((k, v) -> assertThat(gptAfter.get(k)).as("GPT %s", k).containsExactly(v));
            Map<String, float[]> vitAfter = VcGptTestSupport.snapshot(grid.vit);
            vit.forEach((k, v) -> assertThat(vitAfter.get(k)).as("ViT %s", k).containsExactly(v));
            Map<String, float[]> fusionAfter =
                    VcGptTestSupport.snapshot(model.block().fusion());
            assertThat(fusion.keySet().stream()
                            .filter(k -> !java.util.Arrays.equals(fusion.get(k), fusionAfter.get(k))))
                    .as("fusion parameters that changed")
                    .hasSizeGreaterThan(fusion.size() / 2);
            assertThat(model.block().lm().getParameters().values().stream().noneMatch(p -> p.requiresGradient()))
                    .isTrue();
        }
    }

    @Test
    void theLanguageModelIsLoadedFromItsPublishedFiles() throws Exception {
        PretrainedLanguageModel lm = VcGptTestSupport.publishLm(store);
        assertThat(lm.promptLength()).isEqualTo(VcGptTestSupport.PROMPT);
        assertThat(lm.hyperparameters()).containsEntry("width", "32");
        try (VcGptTestSupport.VitGrid grid = new VcGptTestSupport.VitGrid();
                NDManager a = NDManager.newBaseManager("PyTorch");
                NDManager b = NDManager.newBaseManager("PyTorch")) {
            VcGptTrainable one = VcGptTestSupport.trainable(VcGptTestSupport.config("ensemble"), lm, grid);
            VcGptTrainable two = VcGptTestSupport.trainable(VcGptTestSupport.config("fused"), lm, grid);
            one.initialize(a);
            two.initialize(b);
            Map<String, float[]> x = VcGptTestSupport.snapshot(one.block().lm());
            Map<String, float[]> y = VcGptTestSupport.snapshot(two.block().lm());
            x.forEach((k, v) -> assertThat(y.get(k)).as(k).containsExactly(v));
        }
    }
}
