package dev.stoa.models.dalle.internal;

import ai.djl.MalformedModelException;
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
import dev.stoa.nn.text.ByteTokenizer;
import dev.stoa.nn.train.BaseTrainableModel;
import dev.stoa.nn.train.EvaluationOptions;
import dev.stoa.nn.train.TrainingExamples;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DALL-E's second stage as the trainer sees it: the transformer, on the tokens of a discrete VAE trained first and
 * frozen (not a child of the trained block, so the trainer neither optimises nor saves it). Inputs
 * {@code [text (B, T), image (B, N)]}: one caption of each example as byte tokens, and the dVAE's tokens of its image
 * (the argmax codes, computed here with the dVAE's parameters frozen).
 *
 * <p>Evaluation ({@link DalleEvaluation}) on the first {@code examples} (100) held-out examples of {@code split}
 * (default {@code test}): {@code samples} (8) images per caption, judged by {@link dev.stoa.nn.eval.ShapeJudge}, and
 * reranked by the CLIP {@code clip} (default {@code clip-tiny}) when it answers; with {@code unseen_examples} (default
 * 30, 0: none) the same on split {@code test-unseen}, whose colour-shape combinations no training example has.
 */
final class DalleTrainable extends BaseTrainableModel<Dalle> {

    private static final Logger LOG = LoggerFactory.getLogger(DalleTrainable.class);

    private final DalleConfig config;
    private final ByteTokenizer tokenizer;
    private final Path dvaeDir;
    private final ClipReranker reranker;
    private Dvae dvae;

    /**
     * @param modelId the store id, {@code dalle-<name>}
     * @param config the variant, recording the dVAE's version
     * @param dvaeConfig the dVAE's variant
     * @param dvaeDir the dVAE's store version, loaded by {@link #initialize}; null when {@code dvae} is given
     * @param dvae a dVAE already loaded (the tests), or null
     * @param reranker the CLIP reranker for the evaluation, or null for none
     */
    DalleTrainable(
            String modelId, DalleConfig config, DvaeConfig dvaeConfig, Path dvaeDir, Dvae dvae, ClipReranker reranker) {
        super(modelId, StoredDalle.create(config, dvaeConfig));
        this.config = config;
        this.tokenizer = new ByteTokenizer(config.textLength());
        this.dvaeDir = dvaeDir;
        this.dvae = dvae;
        this.reranker = reranker;
    }

    DalleConfig config() {
        return config;
    }

    Dvae dvae() {
        return dvae;
    }

    ByteTokenizer tokenizer() {
        return tokenizer;
    }

    @Override
    protected Shape[] inputShapes() {
        return new Shape[] {new Shape(1, config.textLength()), new Shape(1, block().imageTokens())};
    }

    @Override
    public void initialize(NDManager manager) {
        super.initialize(manager);
        if (dvaeDir != null) {
            try {
                dvae = StoredDvae.open(dvaeDir, manager);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (MalformedModelException e) {
                throw new StoaException(
                        FailureCode.BAD_CONFIG, "model.dvae_model: " + dvaeDir + " cannot be read: " + e.getMessage());
            }
        }
        // frozen: the trainer optimises only parameters that require gradients, and the dVAE is not in the block
        dvae.freezeParameters(true);
    }

    @Override
    public NDList inputs(NDManager batch, List<Example> examples, SplittableRandom random) {
        NDArray pixels = ImagePixels.batch(
                batch,
                examples.stream().map(Example::image).toList(),
                dvae.config().imageSize());
        NDArray image = dvae.encode(new ParameterStore(batch, false), pixels);
        return new NDList(ids(batch, tokenizer.encode(TrainingExamples.oneCaptionEach(examples, random))), image);
    }

    @Override
    public Map<String, Double> evaluate(Dataset dataset, Map<String, ?> options, ParameterStore ps) {
        EvaluationOptions o = new EvaluationOptions(options);
        String split = o.string("split", "test");
        if (split.equals(TrainingExamples.TRAIN_SPLIT)) {
            throw new StoaException(
                    FailureCode.BAD_CONFIG,
                    "evaluate.split is 'train'; evaluate on held-out captions: 'test' or 'val'");
        }
        int samples = o.integer("samples", 8);
        double temperature = Double.parseDouble(o.string("temperature", "1.0"));
        int topK = o.integer("top_k", 0);
        String clip = o.string("clip", "clip-tiny");
        DalleEvaluation evaluation = new DalleEvaluation(block(), dvae, tokenizer);
        Map<String, Double> out = new LinkedHashMap<>(evaluation.evaluate(
                TrainingExamples.first(dataset.split(split), o.integer("examples", 100)),
                split,
                samples,
                temperature,
                topK,
                reranker,
                clip,
                ps));
        int unseen = o.integer("unseen_examples", 30);
        if (unseen > 0 && dataset.splits().contains("test-unseen")) {
            out.putAll(evaluation.evaluate(
                    TrainingExamples.first(dataset.split("test-unseen"), unseen),
                    "test-unseen",
                    samples,
                    temperature,
                    topK,
                    reranker,
                    clip,
                    ps));
        }
        LOG.info("{}: {}", modelId(), out);
        return out;
    }

    @Override
    public void save(Path dir, TrainingLoss loss, Dataset dataset) throws IOException {
        StoredDalle.save(dir, config, block());
    }

    @Override
    public Map<String, Object> describe() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("variant", config.name());
        out.putAll(config.values());
        out.put("image_tokens", block().imageTokens());
        out.put("codebook", block().imageVocabulary());
        out.put("tokenizer", "bytes");
        out.put("parameters", parameterCount(false));
        return out;
    }
}
