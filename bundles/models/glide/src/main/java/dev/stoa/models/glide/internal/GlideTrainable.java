package dev.stoa.models.glide.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.stoa.api.data.Image;
import dev.stoa.api.dataset.Dataset;
import dev.stoa.api.dataset.Example;
import dev.stoa.nn.diffusion.GaussianDiffusion;
import dev.stoa.nn.diffusion.GaussianNoise;
import dev.stoa.nn.image.ImagePixels;
import dev.stoa.nn.loss.TrainingLoss;
import dev.stoa.nn.text.TokenBatch;
import dev.stoa.nn.text.WordTokenizer;
import dev.stoa.nn.train.BaseTrainableModel;
import dev.stoa.nn.train.EvaluationOptions;
import dev.stoa.nn.train.TrainingExamples;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * GLIDE as the trainer sees it (DDPM training, Ho et al. 2020, algorithm 1, with GLIDE's caption dropping): per example
 * the image x_0 (resized to S, pixels in [-1, 1]), one of its captions, a timestep t uniform in 0..T-1, noise eps ~
 * N(0, I) and, with probability {@code drop_condition}, the null condition instead of the caption; all drawn from the
 * trainer's seeded generator. Inputs {@code [x_t, t, ids, lengths, keep, eps]}; the block answers
 * {@code [eps_theta, eps]} for the {@code diffusion} loss.
 *
 * <p>Evaluation on held-out data: {@code denoising_mse/<split>} (the loss on the split's first {@code examples} images
 * at fixed t and noise), and images drawn for the prompts {@code "a <colour> <shape>"} of the split's
 * first {@code prompts} examples (default 60) at each guidance scale of {@code guidance_scales} (default 0,1,3), DDIM
 * {@code sampling_steps} (default 25): {@code drawn_colour_shape_accuracy/<split>/s<scale>} (and {@code drawn_colour_*},
 * {@code drawn_shape_*}), for {@code split} (default test) and, where the dataset has it, {@code test-unseen} (the colour and
 * shape pairs held out of training).
 */
final class GlideTrainable extends BaseTrainableModel<Glide> {

    private static final Logger LOG = LoggerFactory.getLogger(GlideTrainable.class);
    static final String UNSEEN_SPLIT = "test-unseen";

    private final GlideConfig config;
    private final WordTokenizer tokenizer;
    private final GaussianDiffusion diffusion;

    GlideTrainable(String modelId, GlideConfig config, Glide model) {
        super(modelId, model);
        this.config = config;
        this.tokenizer = CaptionVocabulary.tokenizer(config.captionLength());
        this.diffusion = new GaussianDiffusion(config.noiseSchedule());
    }

    GlideConfig config() {
        return config;
    }

    static Shape[] shapes(GlideConfig config) {
        int s = config.imageSize();
        return new Shape[] {
            new Shape(1, 3, s, s), new Shape(1), new Shape(1, config.captionLength()), new Shape(1), new Shape(1)
        };
    }

    @Override
    protected Shape[] inputShapes() {
        return shapes(config);
    }

    /** @return the images as the model reads them: S x S, pixels in [-1, 1] */
    static NDArray pixels(NDManager manager, List<Image> images, int size) {
        // ImagePixels gives (v / 255 - 0.5) / 0.25, in [-2, 2]
        return ImagePixels.batch(manager, images, size).mul(0.5f);
    }

    @Override
    public NDList inputs(NDManager batch, List<Example> examples, SplittableRandom random) {
        int b = examples.size();
        int[] t = new int[b];
        float[] keep = new float[b];
        float[] time = new float[b];
        for (int i = 0; i < b; i++) {
            t[i] = random.nextInt(config.diffusionSteps());
            time[i] = t[i];
            keep[i] = random.nextDouble() < config.dropCondition() ? 0f : 1f;
        }
        List<String> captions = TrainingExamples.oneCaptionEach(examples, random);
        NDArray x0 = pixels(batch, images(examples), config.imageSize());
        NDArray eps = GaussianNoise.array(batch, random, x0.getShape());
        NDArray xt = diffusion.noise(x0, eps, t);
        NDArray target = config.parameterisation().target(diffusion.schedule(), x0, eps, t);
        TokenBatch tokens = tokenizer.encode(captions);
        return new NDList(
                xt, batch.create(time), ids(batch, tokens), batch.create(tokens.lengths()), batch.create(keep), target);
    }

    @Override
    public Map<String, Double> evaluate(Dataset dataset, Map<String, ?> options, ParameterStore ps) {
        EvaluationOptions o = new EvaluationOptions(options);
        String split = o.string("split", "test");
        Map<String, Double> out = new LinkedHashMap<>();
        List<Example> examples = TrainingExamples.first(dataset.split(split), o.integer("examples", 200));
        out.put("denoising_mse/" + split, heldOutLoss(ps, examples));
        int prompts = o.integer("prompts", 60);
        int steps = o.integer("sampling_steps", 25);
        List<Float> scales = new ArrayList<>();
        for (String s : o.string("guidance_scales", "0,1,3").split(",")) {
            scales.add(Float.parseFloat(s.trim()));
        }
        List<String> splits = new ArrayList<>(List.of(split));
        if (!split.equals(UNSEEN_SPLIT) && dataset.splits().contains(UNSEEN_SPLIT)) {
            splits.add(UNSEEN_SPLIT);
        }
        for (String name : splits) {
            List<Example> held = TrainingExamples.first(dataset.split(name), prompts);
            for (float scale : scales) {
                out.putAll(DrawnAccuracy.score(this, ps, held, scale, steps, name));
            }
        }
        return out;
    }

    /** The denoising loss on held-out images at a fixed t and noise per example (seed 0), caption kept. */
    private double heldOutLoss(ParameterStore ps, List<Example> examples) {
        SplittableRandom random = new SplittableRandom(0);
        double sum = 0;
        int n = 0;
        for (int i = 0; i < examples.size(); i += 50) {
            List<Example> chunk = examples.subList(i, Math.min(examples.size(), i + 50));
            try (NDManager m = ps.getManager().newSubManager()) {
                NDList in = inputs(m, chunk, random);
                in.set(4, m.ones(new Shape(chunk.size())));
                NDList outs = block().forward(ps, in, false);
                NDArray d = outs.get(0).sub(outs.get(1));
                sum += d.mul(d).mean().getFloat() * chunk.size();
                n += chunk.size();
            }
        }
        return n == 0 ? Double.NaN : sum / n;
    }

    /** @return the sampler over this model's current weights */
    GlideSampler sampler() {
        return new GlideSampler(block());
    }

    static List<Image> images(List<Example> examples) {
        List<Image> images = new ArrayList<>(examples.size());
        for (Example e : examples) {
            images.add(e.image());
        }
        return images;
    }

    static Logger log() {
        return LOG;
    }

    @Override
    public void save(Path dir, TrainingLoss loss, Dataset dataset) throws IOException {
        StoredGlide.save(dir, config, block());
    }

    @Override
    public Map<String, Object> describe() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("variant", config.name());
        out.put(
                "unet",
                config.imageSize() + " px, " + config.channels() + " x (" + config.multipliers()
                        + "), attention at the lowest level");
        out.put("text", config.textLayers() + " layers, " + config.textWidth() + " wide, word tokens");
        out.put("diffusion", config.schedule() + ", T = " + config.diffusionSteps());
        out.put("drop_condition", config.dropCondition());
        out.put("parameters", parameterCount(false));
        return out;
    }
}
