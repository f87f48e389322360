package dev.stoa.models.unclip.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
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
import dev.stoa.nn.train.BaseTrainableModel;
import dev.stoa.nn.train.TrainingExamples;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;

/**
 * unCLIP as the trainer sees it: the prior and the decoder trained together, one step each per trainer step, on the
 * frozen CLIP's embeddings (cached per example id and per caption: CLIP never changes during a run).
 *
 * <p>Per example: the image x_0 (resized to S, pixels in [-1, 1]), its CLIP image embedding z and the CLIP text
 * embedding y of one of its captions drawn at random (both scaled to about unit variance per component,
 * {@link UnclipSampler#scaled}).
 *
 * <ul>
 *   <li>the decoder (DDPM, Ho et al. 2020, algorithm 1): t, eps, x_t; z replaced by the null embedding with
 *       probability {@code drop_condition}; target eps, or v ({@code prediction});
 *   <li>the prior ({@code prior_repeats} draws per example): t', eps', z_t = q(z_t | z); y replaced by the null text
 *       with probability {@code prior_drop_text}; target z itself (the paper's prior predicts the unnoised embedding).
 * </ul>
 *
 * <p>The one loss is the {@code diffusion} loss (a mean squared error) over both parts laid end to end, each weighted
 * so that the mean is {@code mse_decoder + prior_weight mse_prior} ({@link #lossInputs}). The trainer's evaluation is
 * {@link UnclipEvaluation}.
 */
final class UnclipTrainable extends BaseTrainableModel<Unclip> {

    private final UnclipConfig config;
    private final ClipEmbedder clip;
    private final GaussianDiffusion decoderDiffusion;
    private final GaussianDiffusion priorDiffusion;
    private final Map<String, float[]> imageEmbeddings = new ConcurrentHashMap<>();
    private final Map<String, float[]> textEmbeddings = new ConcurrentHashMap<>();

    UnclipTrainable(String modelId, UnclipConfig config, Unclip model, ClipEmbedder clip) {
        super(modelId, model);
        this.config = config;
        this.clip = clip;
        this.decoderDiffusion = new GaussianDiffusion(config.decoderSchedule());
        this.priorDiffusion = new GaussianDiffusion(config.priorSchedule());
    }

    UnclipConfig config() {
        return config;
    }

    ClipEmbedder clip() {
        return clip;
    }

    static Shape[] shapes(UnclipConfig config, int dimension) {
        int s = config.imageSize();
        Shape e = new Shape(1, dimension);
        return new Shape[] {
            new Shape(1, 3, s, s),
            new Shape(1),
            e,
            new Shape(1),
            new Shape(1, 3, s, s),
            e,
            new Shape(1),
            e,
            new Shape(1),
            e
        };
    }

    @Override
    protected Shape[] inputShapes() {
        return shapes(config, block().dimension());
    }

    /** @return the images as the decoder reads them: S x S, pixels in [-1, 1] */
    static NDArray pixels(NDManager manager, List<Image> images, int size) {
        // ImagePixels gives (v / 255 - 0.5) / 0.25, in [-2, 2]
        return ImagePixels.batch(manager, images, size).mul(0.5f);
    }

    /** @return the CLIP image embedding of each example, computed once per example id */
    float[][] imageEmbeddings(List<Example> examples) {
        List<Example> missing = examples.stream()
                .filter(e -> !imageEmbeddings.containsKey(e.id()))
                .toList();
        if (!missing.isEmpty()) {
            float[][] fresh = clip.images(missing.stream().map(Example::image).toList());
            for (int i = 0; i < fresh.length; i++) {
                imageEmbeddings.put(missing.get(i).id(), fresh[i]);
            }
        }
        return examples.stream().map(e -> imageEmbeddings.get(e.id())).toArray(float[][]::new);
    }

    /** @return the CLIP text embedding of each text, computed once per text */
    float[][] textEmbeddings(List<String> texts) {
        List<String> missing = texts.stream()
                .distinct()
                .filter(t -> !textEmbeddings.containsKey(t))
                .toList();
        if (!missing.isEmpty()) {
            float[][] fresh = clip.texts(missing);
            for (int i = 0; i < fresh.length; i++) {
                textEmbeddings.put(missing.get(i), fresh[i]);
            }
        }
        return texts.stream().map(textEmbeddings::get).toArray(float[][]::new);
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
        float[][] z = UnclipSampler.scaled(imageEmbeddings(examples));
        float[][] y = UnclipSampler.scaled(textEmbeddings(captions));
        NDArray x0 = pixels(batch, images(examples), config.imageSize());
        NDArray eps = GaussianNoise.array(batch, random, x0.getShape());
        NDArray xt = decoderDiffusion.noise(x0, eps, t);
        NDArray target = config.parameterisation().target(decoderDiffusion.schedule(), x0, eps, t);

        int r = config.priorRepeats();
        float[][] zRows = new float[b * r][];
        float[][] yRows = new float[b * r][];
        int[] tp = new int[b * r];
        float[] timeP = new float[b * r];
        float[] keepP = new float[b * r];
        for (int k = 0; k < r; k++) {
            for (int i = 0; i < b; i++) {
                int row = k * b + i;
                zRows[row] = z[i];
                yRows[row] = y[i];
                tp[row] = random.nextInt(config.priorSteps());
                timeP[row] = tp[row];
                keepP[row] = random.nextDouble() < config.priorDropText() ? 0f : 1f;
            }
        }
        NDArray z0 = batch.create(zRows);
        NDArray epsP = GaussianNoise.array(batch, random, z0.getShape());
        NDArray zt = priorDiffusion.noise(z0, epsP, tp);
        return new NDList(
                xt,
                batch.create(time),
                batch.create(z),
                batch.create(keep),
                target,
                zt,
                batch.create(timeP),
                batch.create(yRows),
                batch.create(keepP),
                z0);
    }

    /**
     * The decoder's and the prior's predictions and targets, flattened and laid end to end, scaled so that the
     * {@code diffusion} loss's mean over all of them is {@code mse_decoder + prior_weight mse_prior} whatever their
     * sizes: {@code [sqrt(N/Nd) eps_theta ; sqrt(w N/Np) z_theta]} against the same of {@code [eps ; z]}, N = Nd + Np.
     */
    @Override
    public NDList lossInputs(NDList outputs, List<Example> examples, NDManager batch) {
        return joined(outputs, config.priorWeight());
    }

    static NDList joined(NDList outputs, double priorWeight) {
        long nd = outputs.get(0).size();
        long np = outputs.get(2).size();
        float total = nd + np;
        float wd = (float) Math.sqrt(total / nd);
        float wp = (float) Math.sqrt(priorWeight * total / np);
        NDArray predicted = NDArrays.concat(
                new NDList(
                        outputs.get(0).flatten().mul(wd),
                        outputs.get(2).flatten().mul(wp)),
                0);
        NDArray target = NDArrays.concat(
                new NDList(
                        outputs.get(1).flatten().mul(wd),
                        outputs.get(3).flatten().mul(wp)),
                0);
        return new NDList(predicted, target);
    }

    /** @return the sampler over this model's current weights */
    UnclipSampler sampler() {
        return new UnclipSampler(block());
    }

    static List<Image> images(List<Example> examples) {
        List<Image> images = new ArrayList<>(examples.size());
        for (Example e : examples) {
            images.add(e.image());
        }
        return images;
    }

    @Override
    public Map<String, Double> evaluate(Dataset dataset, Map<String, ?> options, ParameterStore ps) {
        return new UnclipEvaluation(this, ps).evaluate(dataset, options);
    }

    @Override
    public void save(Path dir, TrainingLoss loss, Dataset dataset) throws IOException {
        StoredUnclip.save(dir, config, block());
    }

    @Override
    public Map<String, Object> describe() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("variant", config.name());
        out.put("clip_model", config.clipModel() + " (frozen, " + block().dimension() + "-d embeddings)");
        out.put(
                "prior",
                "transformer, " + config.priorLayers() + " layers " + config.priorWidth() + " wide, predicts x_0; T = "
                        + config.priorSteps() + ", text dropped " + config.priorDropText());
        out.put(
                "decoder",
                "U-Net " + config.imageSize() + " px, " + config.channels() + " x (" + config.multipliers()
                        + "), CLIP embedding in the timestep embedding and as " + config.contextTokens()
                        + " context tokens; " + config.schedule() + ", T = " + config.diffusionSteps()
                        + ", embedding dropped " + config.dropCondition());
        out.put("parameters", parameterCount(false));
        out.put("prior_parameters", parameterCount(block().prior(), false));
        out.put("decoder_parameters", parameterCount(block().decoder(), false));
        return out;
    }
}
