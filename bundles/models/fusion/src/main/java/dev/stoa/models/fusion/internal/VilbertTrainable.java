package dev.stoa.models.fusion.internal;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import dev.stoa.api.dataset.Dataset;
import dev.stoa.api.dataset.Example;
import dev.stoa.nn.image.ImagePixels;
import dev.stoa.nn.loss.TrainingLoss;
import dev.stoa.nn.train.BaseTrainableModel;
import dev.stoa.nn.train.EvaluationOptions;
import dev.stoa.nn.train.TrainingExamples;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ViLBERT as the trainer sees it. Inputs {@code [ids (B, T), image (B, 3, S, S), token labels (B, T), matching labels
 * (B), region targets (B, N, C)]}: the pairs of {@link PretrainingPairs} (the masked-modelling pairs with words
 * masked, the alignment pairs unmasked), and in the masked-modelling pairs' images, patches masked in the pixels with
 * their class distributions as targets ({@link PatchTargets}). The block answers {@code [Z, S, R, labels...]};
 * {@link #lossInputs} orders them as the {@code masked-matching} loss with {@code region_weight} takes them:
 * {@code [Z, S, token labels, matching labels, R, region targets]}.
 *
 * <p>Evaluation ({@link FusionEvaluation}, the same measures as VisualBERT's, and the masked regions'
 * {@link VilbertRegionEvaluation}) on held-out scenes of {@code split} (default {@code test}; never {@code train}).
 */
final class VilbertTrainable extends BaseTrainableModel<Vilbert> {

    private static final Logger LOG = LoggerFactory.getLogger(VilbertTrainable.class);

    private final VilbertConfig config;
    private final FusionTokens tokens;
    private final PretrainingPairs pairs;

    VilbertTrainable(String modelId, VilbertConfig config) {
        this(modelId, config, new FusionTokens(SceneCaptions.vocabulary(), config.textLength()));
    }

    private VilbertTrainable(String modelId, VilbertConfig config, FusionTokens tokens) {
        super(modelId, new Vilbert(config, tokens.vocabularySize()));
        this.config = config;
        this.tokens = tokens;
        this.pairs = new PretrainingPairs(config.pairs(), tokens);
    }

    FusionTokens tokens() {
        return tokens;
    }

    @Override
    protected Shape[] inputShapes() {
        int s = config.imageSize();
        return new Shape[] {new Shape(1, config.textLength()), new Shape(1, 3, s, s)};
    }

    @Override
    public NDList inputs(NDManager batch, List<Example> examples, SplittableRandom random) {
        PretrainingPairs.Batch b = pairs.make(examples, random);
        int s = config.imageSize();
        int n = examples.size();
        float[] pixels =
                ImagePixels.pixels(examples.stream().map(Example::image).toList(), s);
        boolean[] masked = new boolean[n];
        for (int i = 0; i < n; i++) {
            masked[i] = b.aligned()[i] == dev.stoa.nn.heads.TokenMasking.IGNORED;
        }
        float[] targets =
                PatchTargets.mask(pixels, masked, s, config.patchSize(), config.regionMaskProbability(), random);
        return new NDList(
                VisualBertTrainable.rows(batch, b.ids()),
                batch.create(pixels, new Shape(n, 3, s, s)),
                VisualBertTrainable.rows(batch, b.labels()),
                batch.create(b.aligned()),
                batch.create(targets, new Shape(n, config.patches(), PatchTargets.CLASSES)));
    }

    @Override
    public NDList lossInputs(NDList outputs, List<Example> examples, NDManager batch) {
        // [Z, S, R, y, a, q] -> [Z, S, y, a, R, q]
        return new NDList(
                outputs.get(0), outputs.get(1), outputs.get(3), outputs.get(4), outputs.get(2), outputs.get(5));
    }

    @Override
    public Map<String, Double> evaluate(Dataset dataset, Map<String, ?> options, ParameterStore ps) {
        EvaluationOptions o = new EvaluationOptions(options);
        String split = o.string("split", "test");
        if (split.equals(TrainingExamples.TRAIN_SPLIT)) {
            throw new StoaException(
                    FailureCode.BAD_CONFIG, "evaluate.split is 'train'; evaluate on held-out scenes: 'test' or 'val'");
        }
        List<Example> examples = TrainingExamples.first(dataset.split(split), o.integer("examples", 500));
        Map<String, Double> out = new FusionEvaluation(block(), tokens).evaluate(examples, split, ps, ps.getManager());
        out.putAll(VilbertRegionEvaluation.evaluate(block(), tokens, examples, split, ps, ps.getManager()));
        LOG.info("{}: {}", modelId(), out);
        return out;
    }

    @Override
    public void save(Path dir, TrainingLoss loss, Dataset dataset) throws IOException {
        StoredVilbert.save(dir, config, block(), tokens);
    }

    @Override
    public Map<String, Object> describe() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("variant", config.name());
        out.putAll(config.values());
        out.put("vocabulary", tokens.vocabularySize());
        out.put("parameters", parameterCount(false));
        return out;
    }
}
