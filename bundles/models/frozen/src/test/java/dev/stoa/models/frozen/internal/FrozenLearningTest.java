package dev.stoa.models.frozen.internal;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import dev.stoa.api.dataset.Dataset;
import dev.stoa.nn.image.ImagePixels;
import dev.stoa.nn.lm.PretrainedLanguageModel;
import dev.stoa.nn.text.SpecialTokens;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A short training as the trainer runs it: the captioning loss through the frozen language model falls, the language
 * model's published parameters stay bit-identical, and the vision encoder (trained from scratch) is what changed.
 */
class FrozenLearningTest {

    @TempDir
    Path store;

    @Test
    void lossFallsWhileTheLanguageModelStaysBitIdenticalAndTheEncoderLearns() throws Exception {
        PretrainedLanguageModel lm = FrozenTestSupport.publishLm(store);
        Dataset data = FrozenTestSupport.scenes();
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            // the shipped variant's image encoder, the ResNet
            FrozenTrainable model = FrozenTestSupport.trainable(FrozenTestSupport.config("resnet"), lm);
            model.initialize(m);
            Map<String, float[]> gpt = FrozenTestSupport.snapshot(model.block().lm());
            Map<String, float[]> vision =
                    FrozenTestSupport.snapshot(model.block().vision());
            // the published weights were loaded, not the block's own random initialisation
            Map<String, float[]> published = publishedLm(lm);
            published.forEach(
                    (k, v) -> assertThat(gpt.get(k)).as("loaded %s", k).containsExactly(v));
            assertThat(model.block().lm().getParameters().values().stream().noneMatch(Parameter::requiresGradient))
                    .as("every LM parameter frozen")
                    .isTrue();
            assertThat(model.block().vision().getParameters().values().stream().filter(Parameter::requiresGradient))
                    .as("trainable vision parameters")
                    .hasSizeGreaterThan(model.block().vision().getParameters().size() / 2);

            // one batch of 16 scenes seen again and again: the encoder learns to tell the frozen LM about each
            List<Float> losses = FrozenTestSupport.train(model, data, m, 60, 16, true);

            assertThat(losses).allSatisfy(l -> assertThat(l).isFinite());
            double first = FrozenTestSupport.mean(losses, 0, 5);
            double last = FrozenTestSupport.mean(losses, 55, 60);
            System.out.printf("frozen learning: loss first 5 %.4f last 5 %.4f%n", first, last);
            // measured: 1.756 -> 1.599 (-9%) and 1.795 -> 1.538 (-14%); the frozen LM alone cannot lower it
            assertThat(last).as("loss of the last 5 steps against the first 5").isLessThan(0.95 * first);

            Map<String, float[]> gptAfter =
                    FrozenTestSupport.snapshot(model.block().lm());
            gpt.forEach((k, v) -> assertThat(gptAfter.get(k)).as("LM %s", k).containsExactly(v));
            Map<String, float[]> visionAfter =
                    FrozenTestSupport.snapshot(model.block().vision());
            assertThat(vision.keySet().stream().filter(k -> !Arrays.equals(vision.get(k), visionAfter.get(k))))
                    .as("vision parameters that changed")
                    .hasSizeGreaterThan(vision.size() * 3 / 4);
        }
    }

    @Test
    void theImageReachesTheLanguageModelOnlyThroughThePrefix() throws Exception {
        PretrainedLanguageModel lm = FrozenTestSupport.publishLm(store);
        Dataset data = FrozenTestSupport.scenes();
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            FrozenTrainable model = FrozenTestSupport.trainable(FrozenTestSupport.config(), lm);
            model.initialize(m);
            var ps = new ai.djl.training.ParameterStore(m, false);
            var images = dev.stoa.nn.train.TrainingExamples.first(data.split("test"), 4).stream()
                    .map(e -> e.image())
                    .toList();
            var prefix = model.block().prefix(ps, ImagePixels.batch(m, images, 32), false);
            assertThat(prefix.getShape().getShape()).containsExactly(4, 2, 32);
            // two different scenes give two different prefixes
            assertThat(prefix.get(0).sub(prefix.get(1)).abs().max().getFloat()).isGreaterThan(1e-4f);
            var ids = m.create(new long[] {SpecialTokens.START, 70, 71, 72, SpecialTokens.END, 0})
                    .reshape(1, 6)
                    .repeat(0, 4);
            var logits = model.block().logits(ps, prefix, ids, false);
            assertThat(logits.getShape().getShape()).containsExactly(4, 6, 260);
            // with the prefix zeroed, every image gives the same logits: nothing else carries the image
            var zero = model.block().logits(ps, prefix.zerosLike(), ids, false);
            assertThat(zero.get(0).sub(zero.get(1)).abs().max().getFloat()).isLessThan(1e-6f);
            assertThat(logits.get(0).sub(logits.get(1)).abs().max().getFloat()).isGreaterThan(1e-5f);
        }
    }

    private static Map<String, float[]> publishedLm(PretrainedLanguageModel lm) {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            var block = lm.create(new dev.stoa.models.gpt.internal.GptFactory());
            block.initialize(m, ai.djl.ndarray.types.DataType.FLOAT32, new ai.djl.ndarray.types.Shape(1, 8));
            lm.load(block, m);
            return FrozenTestSupport.snapshot(block);
        }
    }
}
