package dev.stoa.models.glide.internal;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import dev.stoa.api.dataset.Dataset;
import dev.stoa.nn.train.TrainingExamples;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Measures a trained version (a store folder such as {@code data/models/glide-tiny/1}) as the trainer's evaluation
 * does: images drawn for {@code "a <colour> <shape>"} of the first {@code -Dglide.prompts} (60) pictures of the held-out
 * splits {@code test} and {@code test-unseen}, at guidance scales 0, 1 and 3, 25 DDIM steps, judged by the platform's {@code ShapeJudge}:
 *
 * <pre>
 * mvn -o -B -pl platform/nn,bundles/losses,bundles/models/glide verify -DskipITs \
 *     -Dsurefire.failIfNoSpecifiedTests=false -Dtest=GlideDrawnEvaluation -Dglide.model=/path/to/data/models/glide-tiny/1
 * </pre>
 */
class GlideDrawnEvaluation {

    @Test
    @EnabledIfSystemProperty(named = "glide.model", matches = ".+")
    void drawnColourAndShapeOnHeldOutPrompts() throws Exception {
        Path dir = Path.of(System.getProperty("glide.model"));
        int prompts = Integer.getInteger("glide.prompts", 60);
        GlideConfig config = StoredGlide.read(dir);
        Dataset data = GlideTestSupport.shapes();
        Map<String, Double> out = new LinkedHashMap<>();
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            Glide model = StoredGlide.open(dir, config, m);
            GlideTrainable trainable = new GlideTrainable("glide-eval", config, model);
            ParameterStore ps = new ParameterStore(m, false);
            for (String split : new String[] {"test", GlideTrainable.UNSEEN_SPLIT}) {
                var examples = TrainingExamples.first(data.split(split), prompts);
                for (float scale : new float[] {0f, 1f, 3f}) {
                    Map<String, Double> r = DrawnAccuracy.score(trainable, ps, examples, scale, 25, split);
                    r.forEach((k, v) -> System.out.printf("glide eval %s = %.3f%n", k, v));
                    out.putAll(r);
                }
            }
        }

        assertThat(out).isNotEmpty();
    }
}
