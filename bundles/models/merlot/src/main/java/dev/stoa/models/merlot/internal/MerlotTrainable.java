package dev.stoa.models.merlot.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import dev.stoa.api.dataset.Dataset;
import dev.stoa.api.dataset.Example;
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
 * MERLOT as the trainer sees it. Inputs {@code [frames, ids, frame times, sentences, sentence ids, token labels, pair
 * labels]} from {@link PretrainingClips}; the block passes the labels through, and {@link #lossInputs} keeps the
 * contrastive rows of the clips in order only, so the {@code merlot} loss gets {@code [f, t, sentence ids, Z, token
 * labels, O, pair labels]} as it documents.
 *
 * <p>Evaluation ({@link MerlotEvaluation}) on held-out clips of {@code split} (default {@code test}; never
 * {@code train}).
 */
final class MerlotTrainable extends BaseTrainableModel<Merlot> {

    private static final Logger LOG = LoggerFactory.getLogger(MerlotTrainable.class);

    private final MerlotConfig config;
    private final MerlotTokens tokens;
    private final PretrainingClips clips;

    MerlotTrainable(String modelId, MerlotConfig config) {
        this(modelId, config, new MerlotTokens(MerlotTokens.vocabulary(), config.textLength()));
    }

    private MerlotTrainable(String modelId, MerlotConfig config, MerlotTokens tokens) {
        super(modelId, new Merlot(config, tokens.vocabularySize()));
        this.config = config;
        this.tokens = tokens;
        this.clips = new PretrainingClips(config, tokens);
    }

    MerlotTokens tokens() {
        return tokens;
    }

    PretrainingClips clips() {
        return clips;
    }

    @Override
    protected Shape[] inputShapes() {
        return inputShapes(config);
    }

    /** @return the block's input shapes for a batch of two clips (one in order, one shuffled) */
    static Shape[] inputShapes(MerlotConfig config) {
        int s = config.imageSize();
        int f = config.frames();
        return new Shape[] {
            new Shape(2, f, 3, s, s),
            new Shape(2, (long) (f + 1) * config.textLength()),
            new Shape(2, f),
            new Shape(2L * f, config.textLength())
        };
    }

    @Override
    public NDList inputs(NDManager batch, List<Example> examples, SplittableRandom random) {
        if (examples.size() < 2) {
            throw new StoaException(
                    FailureCode.BAD_CONFIG,
                    "train.batch_size is " + examples.size() + "; MERLOT needs at least 2 clips a batch (some shuffled,"
                            + " some in order)");
        }
        PretrainingClips.Batch b = clips.make(examples, random);
        return new NDList(
                ClipFrames.batch(batch, b.frames(), config.imageSize()),
                rows(batch, b.ids()),
                rows(batch, b.frameTimes()),
                rows(batch, b.sentences()),
                batch.create(b.sentenceLabels()),
                rows(batch, b.tokenLabels()),
                batch.create(b.pairLabels()));
    }

    @Override
    public NDList lossInputs(NDList outputs, List<Example> examples, NDManager batch) {
        int n = config.ordered(examples.size()) * config.frames();
        String rows = ":" + n;
        return new NDList(
                outputs.get(0).get(rows),
                outputs.get(1).get(rows),
                outputs.get(4).get(rows),
                outputs.get(2),
                outputs.get(5),
                outputs.get(3),
                outputs.get(6));
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
                    FailureCode.BAD_CONFIG, "evaluate.split is 'train'; evaluate on held-out clips: 'test'");
        }
        List<Example> examples = TrainingExamples.first(dataset.split(split), o.integer("examples", 500));
        Map<String, Double> out = new MerlotEvaluation(block(), tokens).evaluate(examples, split, ps, ps.getManager());
        LOG.info("{}: {}", modelId(), out);
        return out;
    }

    @Override
    public void save(Path dir, TrainingLoss loss, Dataset dataset) throws IOException {
        StoredMerlot.save(dir, config, block(), tokens);
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
