package dev.stoa.models.clip.internal;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import dev.stoa.api.dataset.Dataset;
import dev.stoa.datasets.internal.ShapesDatasetFactory;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A CLIP's evaluation on the shapes dataset reports the seen classes ({@code test}), the held-out colour-shape
 * combinations ({@code test-unseen}) and the held-out renderer setting ({@code test-renderer}) first and side by
 * side, each broken down by attribute.
 */
class ClipEvaluationTest {

    @Test
    void reportsSeenUnseenAndRendererSplitsFirstWithColourAndShapeApart() throws Exception {
        Engine.getEngine("PyTorch").setRandomSeed(5);
        ShapesDatasetFactory shapes = new ShapesDatasetFactory();
        try (Dataset dataset = shapes.open(Map.of(
                        "seed", 2,
                        "val_size", 40,
                        "test_size", 60,
                        "unseen_size", 60,
                        "test_renderer_size", 60,
                        "gallery_size", 40));
                NDManager manager = NDManager.newBaseManager("PyTorch");
                ClipTrainable clip = new ClipTrainable(
                        ClipTestSupport.variant("tiny"), "clip-tiny", ClipTestSupport.ENCODERS::get)) {
            clip.initialize(manager);

            Map<String, Double> m = clip.evaluate(
                    dataset,
                    Map.of("examples", 60, "gallery", 40, "retrieval_split", "gallery"),
                    new ParameterStore(manager, false));

            List<String> splits = List.of("test", "test-unseen", "test-renderer");
            assertThat(m.keySet().stream().limit(3).toList())
                    .containsExactly(
                            "zero_shot_top1/test", "zero_shot_top1/test-unseen", "zero_shot_top1/test-renderer");
            assertThat(m).containsKeys("zero_shot_top1/val", "zero_shot_top1/gallery", "recall@1/gallery");
            for (String split : splits) {
                double top1 = m.get("zero_shot_top1/" + split);
                double colour = m.get("zero_shot_colour/" + split);
                double shape = m.get("zero_shot_shape/" + split);
                // a right label has both attributes right, and both right make the label ("colour shape") right
                assertThat(colour).isBetween(top1, 1.0);
                assertThat(shape).isBetween(top1, 1.0);
                assertThat(top1).isGreaterThanOrEqualTo(colour + shape - 1 - 1e-9);
            }
            // only the test splits are broken down by attribute
            assertThat(m).doesNotContainKeys("zero_shot_colour/val", "zero_shot_shape/gallery");
        }
    }
}
