package dev.stoa.models.glide.internal;

import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import dev.stoa.api.data.Image;
import dev.stoa.api.dataset.Example;
import dev.stoa.nn.diffusion.GaussianDiffusion;
import dev.stoa.nn.eval.DrawnScores;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * What fraction of drawn images show the colour and the shape their prompt asks for: one image per held-out example,
 * prompted {@code "a <colour> <shape>"} from its attributes, drawn with seed 0, scored by the platform's
 * {@link DrawnScores} (the non-learning {@code ShapeJudge}), as unCLIP's are.
 */
final class DrawnAccuracy {

    private static final int BATCH = 60;

    private DrawnAccuracy() {}

    /** @return {@code "a <colour> <shape>"} for a shapes example */
    static String prompt(Example e) {
        return "a " + e.attributes().get("colour") + " " + e.attributes().get("shape");
    }

    static Map<String, Double> score(
            GlideTrainable model, ParameterStore ps, List<Example> examples, float scale, int steps, String split) {
        GlideSampler sampler = model.sampler();
        SplittableRandom random = new SplittableRandom(0);
        List<Image> drawn = new ArrayList<>();
        List<String> colours = new ArrayList<>();
        List<String> shapes = new ArrayList<>();
        for (int i = 0; i < examples.size(); i += BATCH) {
            List<Example> chunk = examples.subList(i, Math.min(examples.size(), i + BATCH));
            List<String> prompts = chunk.stream().map(DrawnAccuracy::prompt).toList();
            try (NDManager m = ps.getManager().newSubManager()) {
                drawn.addAll(sampler.draw(ps, m, prompts, random, scale, steps, GaussianDiffusion.StepListener.NONE));
            }
            for (Example e : chunk) {
                colours.add(e.attributes().get("colour"));
                shapes.add(e.attributes().get("shape"));
            }
        }
        String suffix = "/" + split + "/s" + format(scale);
        Map<String, Double> out = DrawnScores.prompted(colours, shapes, drawn, suffix);
        GlideTrainable.log()
                .info(
                        "{}: drawn at guidance {}, {} prompts of {}: {} right",
                        model.modelId(),
                        scale,
                        examples.size(),
                        split,
                        out.get("drawn_colour_shape_accuracy" + suffix));
        return out;
    }

    /** @return 3 for 3.0, 1.5 for 1.5 */
    static String format(float scale) {
        return scale == Math.rint(scale) ? Integer.toString((int) scale) : String.format(Locale.ROOT, "%s", scale);
    }
}
