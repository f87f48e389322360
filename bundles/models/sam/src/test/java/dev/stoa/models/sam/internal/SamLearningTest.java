package dev.stoa.models.sam.internal;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import dev.stoa.api.MapService;
import dev.stoa.api.data.Mask;
import dev.stoa.api.dataset.Dataset;
import dev.stoa.api.dataset.DatasetFactory;
import dev.stoa.api.dataset.Example;
import dev.stoa.api.train.TrainingStatus;
import dev.stoa.datasets.internal.ShapesDatasetFactory;
import dev.stoa.losses.internal.SamLossFactory;
import dev.stoa.nn.loss.LossFactory;
import dev.stoa.nn.train.TrainingExamples;
import dev.stoa.train.internal.TrainingHarness;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A short schedule of the platform trainer's own run ({@code src/test/resources/sam-learning.yaml}: a smaller SAM on
 * 32 px scenes, 200 steps) learns to segment: the held-out mean IoU from one point and from a box rises far above
 * the untrained model's, by margins measured on this machine (the short schedule does not reach the trivial answer
 * "the whole box", printed beside them; the full schedule's numbers are in the README). The stored version's segment
 * service, called with JSON, segments better from a point with the target's mask as its {@code mask} prompt than from
 * the point alone: the mask prompt trained in one prompt in ten reaches the model through the service and is read.
 */
class SamLearningTest {

    @TempDir
    Path home;

    @Test
    void aShortTrainingSegmentsHeldOutShapesFromAPointAndABox() throws Exception {
        Engine.getEngine("PyTorch").setRandomSeed(7);
        Dataset data = new ShapesDatasetFactory()
                .open(Map.of(
                        "seed", 3, "image_size", 32, "max_count", 2, "min_size", 0.4, "max_size", 0.8, "masks", true));
        List<Example> heldOut = TrainingExamples.first(data.split("test"), 60);
        double wholeBox = 0;
        int shapes = 0;
        for (Example e : heldOut) {
            for (Mask m : SceneMasks.of(e)) {
                int[] b = m.box();
                wholeBox += (double) m.area() / ((b[2] - b[0]) * (b[3] - b[1]));
                shapes++;
            }
        }
        wholeBox /= shapes;

        double untrainedPoint;
        double untrainedBox;
        SamTrainable fresh = SamFactory.create("sam-learning", SamTestSupport.config());
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            fresh.initialize(m);
            Map<String, Double> before = new SamEvaluation(fresh.block())
                    .evaluate(heldOut, 0, "test", new ParameterStore(m, false), SamEverything.Options.DEFAULTS);
            untrainedPoint = before.get("miou_point/test");
            untrainedBox = before.get("miou_box/test");
        }

        TrainingStatus end = TrainingHarness.run(
                Path.of("src", "test", "resources", "sam-learning.yaml"),
                Map.of(),
                id -> id.equals(SamFactory.ID)
                        ? new SamFactory(path -> SamLearningTest.class.getResource("/" + path))
                        : null,
                id -> id.equals("sam") ? (LossFactory) new SamLossFactory() : null,
                id -> id.equals("shapes") ? (DatasetFactory) new ShapesDatasetFactory() : null,
                home,
                s -> {});
        assertThat(end.state().toString()).isEqualToIgnoringCase("succeeded");
        Map<String, Double> eval = end.evaluation();
        double point = eval.get("miou_point/test");
        double box = eval.get("miou_box/test");
        System.out.printf(
                "sam-learning: untrained point %.3f box %.3f, whole box %.3f, trained point %.3f, box %.3f%n",
                untrainedPoint, untrainedBox, wholeBox, point, box);
        // measured (2026-12-07, load 7-10): untrained 0.108 from a point, trained 0.578 from a point and 0.537 from a
        // box; the whole box as the answer scores 0.711, which 200 steps do not reach
        assertThat(point).isGreaterThan(untrainedPoint + 0.3).isGreaterThan(0.45);
        assertThat(box).isGreaterThan(untrainedBox + 0.25).isGreaterThan(0.4);

        // the stored version's segment service, called with JSON as a client calls it: a point alone, the point with
        // the target's mask as the mask prompt, and the point with the service's own previous answer sent back
        Path version;
        try (var versions = java.nio.file.Files.list(home.resolve("models").resolve("sam-learning"))) {
            version = versions.filter(java.nio.file.Files::isDirectory)
                    .findFirst()
                    .orElseThrow();
        }
        double alone = 0;
        double withTarget = 0;
        double withPrevious = 0;
        try (SamInference served = SamModels.open("sam-learning", version, "PyTorch")) {
            MapService segment = (MapService) SamModels.services(served).get(0).service();
            for (Example e : heldOut) {
                for (Mask truth : SceneMasks.of(e)) {
                    int[] c = MaskOps.innermost(truth);
                    Map<String, Object> request = new HashMap<>();
                    request.put("image", e.image());
                    request.put("points", List.of(List.of(c[0], c[1])));
                    request.put("multimask", false);
                    String first = best(segment.call(request));
                    alone += MaskOps.iou(decode(first), truth);
                    request.put("mask", Base64.getEncoder().encodeToString(truth.encodePng()));
                    withTarget += MaskOps.iou(decode(best(segment.call(request))), truth);
                    request.put("mask", first);
                    withPrevious += MaskOps.iou(decode(best(segment.call(request))), truth);
                }
            }
        }
        System.out.printf(
                "sam-learning mask prompt: point %.3f, point + target's mask %.3f, point + own answer %.3f%n",
                alone / shapes, withTarget / shapes, withPrevious / shapes);
        // measured (2026-12-08, load 2): 0.577 alone (the trainer's number, up to batching: the service reads the
        // point as the evaluation places it), 0.668 with the target's mask, 0.565 with the service's own answer sent
        // back (training never feeds a prediction back, so no claim is made for it)
        assertThat(alone / shapes).isCloseTo(point, org.assertj.core.api.Assertions.within(0.01));
        assertThat(withTarget / shapes).isGreaterThan(alone / shapes + 0.05);
    }

    @SuppressWarnings("unchecked")
    private static String best(Map<String, Object> answer) {
        return (String) ((List<Map<String, Object>>) answer.get("masks")).get(0).get("mask");
    }

    private static Mask decode(String png) {
        return Mask.decodePng(Base64.getDecoder().decode(png));
    }
}
