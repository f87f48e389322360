package dev.stoa.models.sam.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import dev.stoa.api.data.Image;
import dev.stoa.api.data.Mask;
import dev.stoa.api.dataset.Dataset;
import dev.stoa.api.dataset.Example;
import dev.stoa.nn.image.ImagePixels;
import dev.stoa.nn.loss.TrainingLoss;
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
 * SAM as the trainer sees it. Each example (a shapes scene with {@code masks: true}) gets {@code prompts_per_image}
 * simulated prompts
 * ({@link SamPrompt#simulate}: a point in a random copy, or its jittered box; sometimes a background point whose
 * answer is nothing) and its target, the prompted copy's exact mask at the model's mask size. The block's outputs
 * {@code [mask logits (B, M, 4G, 4G), predicted IoU (B, M)]} and the targets {@code (B, 4G, 4G)} are what the
 * {@code sam} loss takes.
 *
 * <p>Evaluation ({@link SamEvaluation}) on the first {@code examples} (200) held-out scenes of {@code split}
 * (default {@code test}; never {@code train}); segment-everything on the first {@code everything_examples} (100) of
 * them, with {@code points_per_side} (8).
 */
final class SamTrainable extends BaseTrainableModel<Sam> {

    private static final Logger LOG = LoggerFactory.getLogger(SamTrainable.class);
    /** Prompt points per example in training: two (a point and a negative one, or a box's corners), one padding. */
    static final int TRAIN_POINTS = 3;

    private final SamConfig config;
    /** The targets of the last {@link #inputs} call, for {@link #lossInputs} of the same step. */
    private List<Example> lastExamples;

    private float[] lastTargets;

    SamTrainable(String modelId, SamConfig config) {
        super(modelId, new Sam(config));
        this.config = config;
    }

    SamConfig config() {
        return config;
    }

    @Override
    protected Shape[] inputShapes() {
        return block().inputShapes(TRAIN_POINTS);
    }

    @Override
    public synchronized NDList inputs(NDManager batch, List<Example> examples, SplittableRandom random) {
        int side = config.maskSize();
        int per = config.promptsPerImage();
        int n = examples.size() * per;
        List<SamPrompt> prompts = new ArrayList<>(n);
        float[] targets = new float[n * side * side];
        List<Image> images = new ArrayList<>(examples.size());
        int[] target = new int[1];
        for (int i = 0; i < examples.size(); i++) {
            Example e = examples.get(i);
            List<Mask> masks = SceneMasks.of(e);
            images.add(e.image());
            for (int j = 0; j < per; j++) {
                SamPrompt p = SamPrompt.simulate(masks, side, random, target);
                // pad to TRAIN_POINTS so every batch has one shape
                float[] pts = java.util.Arrays.copyOf(p.points(), TRAIN_POINTS * 2);
                long[] labels = java.util.Arrays.copyOf(p.labels(), TRAIN_POINTS);
                for (int k = p.size(); k < TRAIN_POINTS; k++) {
                    labels[k] = SamPrompt.NONE;
                }
                prompts.add(new SamPrompt(pts, labels, p.mask()));
                if (target[0] >= 0) {
                    int row = i * per + j;
                    System.arraycopy(
                            MaskOps.sample(masks.get(target[0]), side), 0, targets, row * side * side, side * side);
                }
            }
        }
        lastExamples = examples;
        lastTargets = targets;
        NDList prompt = SamPredictor.inputs(batch, prompts, side);
        NDArray pixels = ImagePixels.batch(batch, images, config.imageSize());
        return new NDList(pixels, prompt.get(0), prompt.get(1), prompt.get(2), prompt.get(3));
    }

    @Override
    public synchronized NDList lossInputs(NDList outputs, List<Example> examples, NDManager batch) {
        if (examples != lastExamples) {
            throw new IllegalStateException("lossInputs must follow inputs for the same examples");
        }
        int side = config.maskSize();
        NDArray targets =
                batch.create(lastTargets, new Shape((long) examples.size() * config.promptsPerImage(), side, side));
        return new NDList(outputs.get(0), outputs.get(1), targets);
    }

    @Override
    public Map<String, Double> evaluate(Dataset dataset, Map<String, ?> options, ParameterStore ps) {
        EvaluationOptions o = new EvaluationOptions(options);
        String split = o.string("split", "test");
        if (split.equals(TrainingExamples.TRAIN_SPLIT)) {
            throw new StoaException(
                    FailureCode.BAD_CONFIG, "evaluate.split is 'train'; evaluate on held-out scenes: 'test' or 'val'");
        }
        List<Example> examples = TrainingExamples.first(dataset.split(split), o.integer("examples", 200));
        SamEverything.Options everything = new SamEverything.Options(
                o.integer("points_per_side", SamEverything.Options.DEFAULTS.pointsPerSide()),
                SamEverything.Options.DEFAULTS.iouThreshold(),
                SamEverything.Options.DEFAULTS.minScore(),
                SamEverything.Options.DEFAULTS.minStability(),
                SamEverything.Options.DEFAULTS.minArea());
        Map<String, Double> out = new SamEvaluation(block())
                .evaluate(examples, o.integer("everything_examples", 100), split, ps, everything);
        LOG.info("{}: {}", modelId(), out);
        return out;
    }

    @Override
    public void save(Path dir, TrainingLoss loss, Dataset dataset) throws IOException {
        StoredSam.save(dir, config, block());
    }

    @Override
    public Map<String, Object> describe() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("variant", config.name());
        out.putAll(config.values());
        out.put("parameters", parameterCount(false));
        return out;
    }
}
