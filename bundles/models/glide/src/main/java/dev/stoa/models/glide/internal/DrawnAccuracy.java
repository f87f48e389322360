package dev.stoa.models.glide.internal;

import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import dev.stoa.api.data.Image;
import dev.stoa.api.dataset.Example;
import dev.stoa.nn.diffusion.GaussianDiffusion;
import dev.stoa.nn.eval.ShapeJudge;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * What fraction of drawn images show the colour and the shape their prompt asks for: one image per held-out example,
 * prompted {@code "a <colour> <shape>"} from its attributes, drawn with seed 0, judged by the platform's {@link ShapeJudge}.
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
        int colour = 0;
        int shape = 0;
        int both = 0;
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < examples.size(); i += BATCH) {
            List<Example> chunk = examples.subList(i, Math.min(examples.size(), i + BATCH));
            List<String> prompts = chunk.stream().map(DrawnAccuracy::prompt).toList();
            List<Image> drawn;
            try (NDManager m = ps.getManager().newSubManager()) {
                drawn = sampler.draw(ps, m, prompts, random, scale, steps, GaussianDiffusion.StepListener.NONE);
            }
            for (int k = 0; k < chunk.size(); k++) {
                ShapeJudge.Verdict verdict = ShapeJudge.judge(drawn.get(k));
                String[] v = {verdict.colour(), verdict.shape()};
                boolean c = chunk.get(k).attributes().get("colour").equals(v[0]);
                boolean s = chunk.get(k).attributes().get("shape").equals(v[1]);
                colour += c ? 1 : 0;
                shape += s ? 1 : 0;
                both += c && s ? 1 : 0;
                if (seen.size() < 4) {
                    seen.add(prompts.get(k) + " -> " + v[0] + " " + v[1]);
                }
            }
        }
        int n = Math.max(1, examples.size());
        String suffix = "/" + split + "/s" + format(scale);
        GlideTrainable.log()
                .info(
                        "{}: drawn at guidance {}, {} prompts of {}: {} right, e.g. {}",
                        model.modelId(),
                        scale,
                        examples.size(),
                        split,
                        both,
                        seen);
        Map<String, Double> out = new LinkedHashMap<>();
        out.put("drawn_colour_shape_accuracy" + suffix, both / (double) n);
        out.put("drawn_colour_accuracy" + suffix, colour / (double) n);
        out.put("drawn_shape_accuracy" + suffix, shape / (double) n);
        return out;
    }

    /** @return 3 for 3.0, 1.5 for 1.5 */
    static String format(float scale) {
        return scale == Math.rint(scale) ? Integer.toString((int) scale) : String.format(Locale.ROOT, "%s", scale);
    }
}
