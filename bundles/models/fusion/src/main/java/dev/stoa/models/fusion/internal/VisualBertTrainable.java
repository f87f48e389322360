package dev.stoa.models.fusion.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
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
 * VisualBERT as the trainer sees it. Inputs {@code [ids (B, T), image (B, 3, S, S), token labels (B, T), matching
 * labels (B)]} from {@link PretrainingPairs}; the block passes the labels through, so the {@code masked-matching}
 * loss gets {@code [Z, S, token labels, matching labels]} as it documents.
 *
 * <p>Evaluation ({@link FusionEvaluation}) on held-out scenes of {@code split} (default {@code test}; never
 * {@code train}).
 */
final class VisualBertTrainable extends BaseTrainableModel<VisualBert> {

    private static final Logger LOG = LoggerFactory.getLogger(VisualBertTrainable.class);

    private final VisualBertConfig config;
    private final FusionTokens tokens;
    private final PretrainingPairs pairs;

    VisualBertTrainable(String modelId, VisualBertConfig config) {
        this(modelId, config, new FusionTokens(SceneCaptions.vocabulary(), config.textLength()));
    }

    private VisualBertTrainable(String modelId, VisualBertConfig config, FusionTokens tokens) {
        super(modelId, new VisualBert(config, tokens.vocabularySize()));
        this.config = config;
        this.tokens = tokens;
        this.pairs = new PretrainingPairs(config.pairs(), tokens);
    }

    FusionTokens tokens() {
        return tokens;
    }

    PretrainingPairs pairs() {
        return pairs;
    }

    @Override
    protected Shape[] inputShapes() {
        int s = config.imageSize();
        return new Shape[] {new Shape(1, config.textLength()), new Shape(1, 3, s, s)};
    }

    @Override
    public NDList inputs(NDManager batch, List<Example> examples, SplittableRandom random) {
        PretrainingPairs.Batch b = pairs.make(examples, random);
        return new NDList(
                rows(batch, b.ids()),
                ImagePixels.batch(batch, examples.stream().map(Example::image).toList(), config.imageSize()),
                rows(batch, b.labels()),
                batch.create(b.aligned()));
    }

    static NDArray rows(NDManager manager, long[][] rows) {
        long[] flat = new long[rows.length * rows[0].length];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, flat, i * rows[0].length, rows[0].length);
        }
        return manager.create(flat, new Shape(rows.length, rows[0].length));
    }

    @Override
    public Map<String, Double> evaluate(Dataset dataset, Map<String, ?> options, ParameterStore ps) {
        EvaluationOptions o = new EvaluationOptions(options);
        String split = o.string("split", "test");
        if (split.equals(TrainingExamples.TRAIN_SPLIT)) {
            throw new dev.stoa.api.StoaException(
                    dev.stoa.api.FailureCode.BAD_CONFIG,
                    "evaluate.split is 'train'; evaluate on held-out scenes: 'test' or 'val'");
        }
        List<Example> examples = TrainingExamples.first(dataset.split(split), o.integer("examples", 500));
        Map<String, Double> out = new FusionEvaluation(block(), tokens).evaluate(examples, split, ps, ps.getManager());
        LOG.info("{}: {}", modelId(), out);
        return out;
    }

    @Override
    public void save(Path dir, TrainingLoss loss, Dataset dataset) throws IOException {
        StoredVisualBert.save(dir, config, block(), tokens);
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
