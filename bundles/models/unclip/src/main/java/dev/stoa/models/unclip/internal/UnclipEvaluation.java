package dev.stoa.models.unclip.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.stoa.api.data.Image;
import dev.stoa.api.dataset.Dataset;
import dev.stoa.api.dataset.Example;
import dev.stoa.nn.diffusion.GaussianDiffusion;
import dev.stoa.nn.eval.DrawnScores;
import dev.stoa.nn.eval.ShapeJudge;
import dev.stoa.nn.train.EvaluationOptions;
import dev.stoa.nn.train.TrainingExamples;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The trainer's evaluation of unCLIP on held-out data ({@code split}, default {@code test}, and {@code test-unseen}
 * where the dataset has it: the colour+shape pairs held out of training). Options: {@code examples} (200, the held-out
 * losses), {@code prompts} (40), {@code sampling_steps} (25, the decoder's DDIM), {@code prior_sampling_steps} (25),
 * {@code guidance_scale} (3, the decoder's), {@code prior_guidance_scale} (1), {@code variations} (40).
 *
 * <ul>
 *   <li>{@code decoder_mse/<split>}, {@code prior_mse/<split>}: each part's loss at a fixed t and noise (seed 0),
 *       condition kept;
 *   <li>the prior alone, for {@code "a <colour> <shape>"} of each held-out example: {@code prior_cosine/<split>}, the
 *       mean cosine of the sampled image embedding and the example's true CLIP image embedding (beside
 *       {@code text_image_cosine/<split>}, the text embedding's own cosine with it: what the prior adds), and
 *       {@code prior_zero_shot_accuracy/<split>}, how often CLIP's zero-shot label of the sampled embedding (nearest
 *       of the 30 {@code "a <colour> <shape>"} text embeddings) is the asked one (beside
 *       {@code image_zero_shot_accuracy/<split>}, the same for the true image embedding: CLIP's own ceiling);
 *   <li>prior and decoder: the images drawn for those prompts judged by {@link ShapeJudge}
 *       ({@code drawn_colour_shape_accuracy/<split>/s<scale>}, {@link DrawnScores#prompted});
 *   <li>variations (split {@code split} only): each source image's CLIP embedding decoded, both judged by
 *       {@link ShapeJudge} ({@code variation_colour_shape_kept/<split>/s<scale>}, {@link DrawnScores#variations}).
 * </ul>
 */
final class UnclipEvaluation {

    private static final Logger LOG = LoggerFactory.getLogger(UnclipEvaluation.class);
    static final String UNSEEN_SPLIT = "test-unseen";
    private static final int BATCH = 40;

    private final UnclipTrainable model;
    private final ParameterStore ps;

    UnclipEvaluation(UnclipTrainable model, ParameterStore ps) {
        this.model = model;
        this.ps = ps;
    }

    /** @return {@code "a <colour> <shape>"} for a shapes example */
    static String prompt(Example e) {
        return "a " + e.attributes().get("colour") + " " + e.attributes().get("shape");
    }

    Map<String, Double> evaluate(Dataset dataset, Map<String, ?> options) {
        EvaluationOptions o = new EvaluationOptions(options);
        String split = o.string("split", "test");
        int prompts = o.integer("prompts", 40);
        int steps = o.integer("sampling_steps", 25);
        int priorSteps = o.integer("prior_sampling_steps", 25);
        float scale = Float.parseFloat(o.string("guidance_scale", "3"));
        float priorScale = Float.parseFloat(o.string("prior_guidance_scale", "1"));
        int variations = o.integer("variations", 40);
        Map<String, Double> out = new LinkedHashMap<>();
        out.putAll(heldOutLosses(TrainingExamples.first(dataset.split(split), o.integer("examples", 200)), split));
        List<String> splits = new ArrayList<>(List.of(split));
        if (!split.equals(UNSEEN_SPLIT) && dataset.splits().contains(UNSEEN_SPLIT)) {
            splits.add(UNSEEN_SPLIT);
        }
        for (String name : splits) {
            out.putAll(drawn(
                    TrainingExamples.first(dataset.split(name), prompts), name, scale, priorScale, steps, priorSteps));
        }
        if (variations > 0) {
            out.putAll(variations(TrainingExamples.first(dataset.split(split), variations), split, scale, steps));
        }
        return out;
    }

    /** Each part's loss on held-out examples at a fixed t and noise (seed 0), the condition kept. */
    Map<String, Double> heldOutLosses(List<Example> examples, String split) {
        SplittableRandom random = new SplittableRandom(0);
        double decoder = 0;
        double prior = 0;
        int n = 0;
        for (int i = 0; i < examples.size(); i += 50) {
            List<Example> chunk = examples.subList(i, Math.min(examples.size(), i + 50));
            try (NDManager m = ps.getManager().newSubManager()) {
                NDList in = model.inputs(m, chunk, random);
                in.set(3, m.ones(new Shape(chunk.size())));
                in.set(8, m.ones(in.get(8).getShape()));
                NDList outs = model.block().forward(ps, in, false);
                decoder += mse(outs.get(0), outs.get(1)) * chunk.size();
                prior += mse(outs.get(2), outs.get(3)) * chunk.size();
                n += chunk.size();
            }
        }
        Map<String, Double> out = new LinkedHashMap<>();
        out.put("decoder_mse/" + split, n == 0 ? Double.NaN : decoder / n);
        out.put("prior_mse/" + split, n == 0 ? Double.NaN : prior / n);
        return out;
    }

    private static double mse(NDArray a, NDArray b) {
        NDArray d = a.sub(b);
        return d.mul(d).mean().getFloat();
    }

    /** The prior alone, then prior and decoder, for the prompts of {@code examples}. */
    Map<String, Double> drawn(
            List<Example> examples, String split, float scale, float priorScale, int steps, int priorSteps) {
        UnclipSampler sampler = model.sampler();
        List<String> classes = new ArrayList<>();
        for (String c : ShapeJudge.COLOURS) {
            for (String s : ShapeJudge.SHAPES) {
                classes.add("a " + c + " " + s);
            }
        }
        float[][] classTexts = model.textEmbeddings(classes);
        SplittableRandom random = new SplittableRandom(0);
        double priorCosine = 0;
        double textCosine = 0;
        int priorRight = 0;
        int imageRight = 0;
        List<Image> drawn = new ArrayList<>();
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < examples.size(); i += BATCH) {
            List<Example> chunk = examples.subList(i, Math.min(examples.size(), i + BATCH));
            List<String> prompts = chunk.stream().map(UnclipEvaluation::prompt).toList();
            float[][] texts = model.textEmbeddings(prompts);
            float[][] truth = model.imageEmbeddings(chunk);
            float[][] predicted;
            try (NDManager m = ps.getManager().newSubManager()) {
                predicted = sampler.prior(
                        ps, m, texts, random, priorScale, priorSteps, GaussianDiffusion.StepListener.NONE);
                drawn.addAll(
                        sampler.decode(ps, m, predicted, random, scale, steps, GaussianDiffusion.StepListener.NONE));
            }
            for (int k = 0; k < chunk.size(); k++) {
                priorCosine += cosine(predicted[k], truth[k]);
                textCosine += cosine(texts[k], truth[k]);
                priorRight += classes.get(nearest(predicted[k], classTexts)).equals(prompts.get(k)) ? 1 : 0;
                imageRight += classes.get(nearest(truth[k], classTexts)).equals(prompts.get(k)) ? 1 : 0;
                if (seen.size() < 4) {
                    seen.add(prompts.get(k) + " -> prior reads " + classes.get(nearest(predicted[k], classTexts)));
                }
            }
        }
        double n = Math.max(1, examples.size());
        Map<String, Double> out = new LinkedHashMap<>();
        out.put("prior_cosine/" + split, priorCosine / n);
        out.put("text_image_cosine/" + split, textCosine / n);
        out.put("prior_zero_shot_accuracy/" + split, priorRight / n);
        out.put("image_zero_shot_accuracy/" + split, imageRight / n);
        Map<String, Double> judged = DrawnScores.prompted(
                examples.stream().map(e -> e.attributes().get("colour")).toList(),
                examples.stream().map(e -> e.attributes().get("shape")).toList(),
                drawn,
                "/" + split + "/s" + format(scale));
        out.putAll(judged);
        LOG.info(
                "{}: {} prompts of {}: prior cosine {}, zero-shot {}; drawn at guidance {}: {}; e.g. {}",
                model.modelId(),
                examples.size(),
                split,
                String.format(Locale.ROOT, "%.3f", priorCosine / n),
                priorRight,
                scale,
                judged,
                seen);
        return out;
    }

    /** Variations: each source's CLIP image embedding decoded, judged against the source. */
    Map<String, Double> variations(List<Example> examples, String split, float scale, int steps) {
        UnclipSampler sampler = model.sampler();
        SplittableRandom random = new SplittableRandom(1);
        List<Image> made = new ArrayList<>();
        for (int i = 0; i < examples.size(); i += BATCH) {
            List<Example> chunk = examples.subList(i, Math.min(examples.size(), i + BATCH));
            try (NDManager m = ps.getManager().newSubManager()) {
                made.addAll(sampler.decode(
                        ps,
                        m,
                        model.imageEmbeddings(chunk),
                        random,
                        scale,
                        steps,
                        GaussianDiffusion.StepListener.NONE));
            }
        }
        Map<String, Double> out =
                DrawnScores.variations(UnclipTrainable.images(examples), made, "/" + split + "/s" + format(scale));
        LOG.info("{}: {} variations of {}: {}", model.modelId(), examples.size(), split, out);
        return out;
    }

    static double cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return na == 0 || nb == 0 ? 0 : dot / Math.sqrt(na * nb);
    }

    /** @return the index of the row of {@code classes} most cosine-similar to {@code v} */
    static int nearest(float[] v, float[][] classes) {
        int best = 0;
        double bestScore = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < classes.length; c++) {
            double s = cosine(v, classes[c]);
            if (s > bestScore) {
                bestScore = s;
                best = c;
            }
        }
        return best;
    }

    /** @return 3 for 3.0, 1.5 for 1.5 */
    static String format(float scale) {
        return scale == Math.rint(scale) ? Integer.toString((int) scale) : String.format(Locale.ROOT, "%s", scale);
    }
}
