package dev.stoa.models.coca.internal;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import dev.stoa.api.dataset.Dataset;
import dev.stoa.api.dataset.Example;
import dev.stoa.nn.image.ImagePixels;
import dev.stoa.nn.loss.TrainingLoss;
import dev.stoa.nn.text.ByteTokenizer;
import dev.stoa.nn.text.TokenBatch;
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
 * CoCa as the trainer sees it. Inputs {@code [images (B, 3, S, S), ids (B, T), lengths (B)]}, one caption per image
 * drawn from its captions (byte tokens, as CLIP's and ClipCap's); the block's outputs {@code [v, l, Z, ids]} are what
 * the {@code coca} loss takes.
 *
 * <p>Evaluation ({@link CocaEvaluation}) on the first {@code examples} (500) held-out scenes of {@code split}
 * (default {@code test}; never {@code train}): zero-shot top-1 as CLIP's, greedy captions as ClipCap's.
 */
final class CocaTrainable extends BaseTrainableModel<Coca> {

    private static final Logger LOG = LoggerFactory.getLogger(CocaTrainable.class);

    private final CocaConfig config;
    private final ByteTokenizer tokenizer;

    CocaTrainable(String modelId, CocaConfig config, Block imageEncoder) {
        super(modelId, new Coca(config, new ByteTokenizer(config.textLength()).vocabularySize(), imageEncoder));
        this.config = config;
        this.tokenizer = new ByteTokenizer(config.textLength());
    }

    CocaConfig config() {
        return config;
    }

    ByteTokenizer tokenizer() {
        return tokenizer;
    }

    @Override
    protected Shape[] inputShapes() {
        int s = config.imageSize();
        return new Shape[] {new Shape(1, 3, s, s), new Shape(1, config.textLength()), new Shape(1)};
    }

    @Override
    public NDList inputs(NDManager batch, List<Example> examples, SplittableRandom random) {
        TokenBatch tokens = tokenizer.encode(TrainingExamples.oneCaptionEach(examples, random));
        return new NDList(
                ImagePixels.batch(batch, examples.stream().map(Example::image).toList(), config.imageSize()),
                batch.create(tokens.flatIds(), new Shape(tokens.batchSize(), tokens.contextLength())),
                batch.create(tokens.lengths()));
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
        Map<String, Double> out = new CocaEvaluation(block(), tokenizer)
                .evaluate(dataset.labels(), dataset.promptTemplates(), examples, split, ps);
        LOG.info("{}: {}", modelId(), out);
        return out;
    }

    /** @return exp(t) of the loss's learned temperature, capped at 100 as the loss caps it; 1/0.07 if it has none */
    static double logitScale(TrainingLoss loss) {
        if (loss == null) {
            return 1 / 0.07;
        }
        for (Pair<String, Parameter> p : loss.getParameters()) {
            if (p.getKey().endsWith("logit_scale")) {
                double t = p.getValue().getArray().toFloatArray()[0];
                return Math.min(100, Math.max(1, Math.exp(t)));
            }
        }
        return 1 / 0.07;
    }

    @Override
    public void save(Path dir, TrainingLoss loss, Dataset dataset) throws IOException {
        StoredCoca.save(dir, config.withLogitScale(logitScale(loss)), block(), dataset);
    }

    @Override
    public Map<String, Object> describe() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("variant", config.name());
        out.putAll(config.values());
        out.remove("logit_scale");
        out.put("tokenizer", "bytes");
        out.put("parameters", parameterCount(false));
        return out;
    }
}
