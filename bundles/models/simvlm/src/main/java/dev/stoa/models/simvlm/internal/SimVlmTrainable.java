package dev.stoa.models.simvlm.internal;

import ai.djl.ndarray.NDArray;
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
import dev.stoa.nn.text.WordTokenizer;
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
 * SimVLM as the trainer sees it. Inputs {@code [image, prefix, shown, decoder ids, targets]} from
 * {@link PrefixLmBatches}; the block passes the targets through, so the {@code captioning} loss (options
 * {@code shift: false}, {@code ignore_id: 0}) gets {@code [Z, targets]}: cross-entropy on the suffix and its end token
 * only, the prefix and the padding ignored.
 *
 * <p>Evaluation ({@link SimVlmEvaluation}) on held-out scenes of {@code split} (default {@code test}; never
 * {@code train}).
 */
final class SimVlmTrainable extends BaseTrainableModel<SimVlm> {

    private static final Logger LOG = LoggerFactory.getLogger(SimVlmTrainable.class);

    private final SimVlmConfig config;
    private final WordTokenizer words;
    private final PrefixLmBatches batches;

    SimVlmTrainable(String modelId, SimVlmConfig config) {
        this(modelId, config, new WordTokenizer(SceneText.vocabulary(), config.textLength()));
    }

    private SimVlmTrainable(String modelId, SimVlmConfig config, WordTokenizer words) {
        super(modelId, new SimVlm(config, words.vocabularySize()));
        this.config = config;
        this.words = words;
        this.batches = new PrefixLmBatches(config, words);
    }

    WordTokenizer words() {
        return words;
    }

    PrefixLmBatches batches() {
        return batches;
    }

    @Override
    protected Shape[] inputShapes() {
        int s = config.imageSize();
        return new Shape[] {
            new Shape(1, 3, s, s), new Shape(1, config.maxWords()), new Shape(1), new Shape(1, config.textLength())
        };
    }

    @Override
    public NDList inputs(NDManager batch, List<Example> examples, SplittableRandom random) {
        PrefixLmBatches.Batch b = batches.make(examples, random);
        return new NDList(
                ImagePixels.batch(batch, examples.stream().map(Example::image).toList(), config.imageSize()),
                rows(batch, b.prefix()),
                batch.create(b.shown()),
                rows(batch, b.decoder()),
                rows(batch, b.targets()));
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
            throw new StoaException(
                    FailureCode.BAD_CONFIG, "evaluate.split is 'train'; evaluate on held-out scenes: 'test' or 'val'");
        }
        List<Example> examples = TrainingExamples.first(dataset.split(split), o.integer("examples", 500));
        SimVlmEvaluation evaluation = new SimVlmEvaluation(block(), words);
        Map<String, Double> out = evaluation.evaluate(examples, split, ps, ps.getManager());
        LOG.info(
                "{}: {}; captions {}",
                modelId(),
                out,
                evaluation.captions(
                        examples.subList(0, Math.min(4, examples.size())).stream()
                                .map(Example::image)
                                .toList(),
                        ps,
                        ps.getManager()));
        return out;
    }

    @Override
    public void save(Path dir, TrainingLoss loss, Dataset dataset) throws IOException {
        StoredSimVlm.save(dir, config, block(), words);
    }

    @Override
    public Map<String, Object> describe() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("variant", config.name());
        out.putAll(config.values());
        out.put("vocabulary", words.vocabularySize());
        out.put("parameters", parameterCount(false));
        return out;
    }
}
