package dev.stoa.models.frozen.internal;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.stoa.api.data.Image;
import dev.stoa.api.dataset.Dataset;
import dev.stoa.api.dataset.Example;
import dev.stoa.nn.eval.CaptionWords;
import dev.stoa.nn.image.ImagePixels;
import dev.stoa.nn.lm.PretrainedLanguageModel;
import dev.stoa.nn.loss.TrainingLoss;
import dev.stoa.nn.text.ByteTokenizer;
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
 * Frozen as the trainer sees it. Inputs {@code [image (B, 3, S, S), ids (B, T)]}: each scene resized to S
 * ({@link ImagePixels}) and one of its captions drawn at random; the {@code captioning} loss gets the block's
 * {@code [logits, ids]}. {@link #initialize} loads the pretrained language model and freezes it, so the trainer (which
 * optimises only parameters that require gradients) trains the vision encoder and its map to the prefix alone.
 *
 * <p>Evaluation on the first {@code examples} (default 200) images of {@code split} (default {@code test}): greedy
 * captions give {@code caption_colour_shape_accuracy/<split>} (colour and shape named, {@link CaptionWords}),
 * {@code caption_colour_accuracy}, {@code caption_shape_accuracy}, {@code caption_count_accuracy}; with
 * {@code ablation: true} (the default) the same captions decoded with the prefix zeroed, {@code zero_prefix_*}: what
 * the frozen language model says without the image.
 */
final class FrozenTrainable extends BaseTrainableModel<Frozen> {

    private static final Logger LOG = LoggerFactory.getLogger(FrozenTrainable.class);
    private static final int EVAL_BATCH = 50;

    private final FrozenConfig config;
    private final PretrainedLanguageModel lm;
    private final ByteTokenizer tokenizer;

    /**
     * @param modelId the store id, {@code frozen-<name>}
     * @param config the variant, recording the LM's version
     * @param model the block, uninitialised
     * @param lm the frozen language model's files, or null to keep its initial weights (tests), still frozen
     */
    FrozenTrainable(String modelId, FrozenConfig config, Frozen model, PretrainedLanguageModel lm) {
        super(modelId, model);
        this.config = config;
        this.lm = lm;
        this.tokenizer = new ByteTokenizer(config.captionLength());
    }

    FrozenConfig config() {
        return config;
    }

    @Override
    protected Shape[] inputShapes() {
        return new Shape[] {
            new Shape(1, 3, config.imageSize(), config.imageSize()), new Shape(1, config.captionLength())
        };
    }

    @Override
    public void initialize(NDManager manager) {
        super.initialize(manager);
        if (lm != null) {
            lm.load(block().lm(), manager);
        }
        // frozen: the trainer optimises only parameters that require gradients, the vision side's
        block().lm().freezeParameters(true);
    }

    @Override
    public NDList inputs(NDManager batch, List<Example> examples, SplittableRandom random) {
        return new NDList(
                ImagePixels.batch(batch, images(examples), config.imageSize()),
                ids(batch, tokenizer.encode(TrainingExamples.oneCaptionEach(examples, random))));
    }

    /**
     * @param ps where the parameters are read
     * @param examples the images
     * @param zeroPrefix whether the prefix is zeroed (the ablation)
     * @return greedy captions, one per example
     */
    List<String> captions(ParameterStore ps, List<Example> examples, boolean zeroPrefix) {
        CaptionDecoder decoder = new CaptionDecoder(block(), config);
        List<String> out = new ArrayList<>(examples.size());
        for (int i = 0; i < examples.size(); i += EVAL_BATCH) {
            List<Example> chunk = examples.subList(i, Math.min(examples.size(), i + EVAL_BATCH));
            out.addAll(decoder.captions(ps, ps.getManager(), images(chunk), config.imageSize(), zeroPrefix));
        }
        return out;
    }

    @Override
    public Map<String, Double> evaluate(Dataset dataset, Map<String, ?> options, ParameterStore ps) {
        EvaluationOptions o = new EvaluationOptions(options);
        String split = o.string("split", "test");
        List<Example> examples = TrainingExamples.first(dataset.split(split), o.integer("examples", 200));
        Map<String, Double> out = new LinkedHashMap<>();
        score(out, "", split, examples, captions(ps, examples, false));
        if (Boolean.parseBoolean(o.string("ablation", "true"))) {
            score(out, "zero_prefix_", split, examples, captions(ps, examples, true));
        }
        return out;
    }

    private void score(
            Map<String, Double> out, String prefix, String split, List<Example> examples, List<String> captions) {
        LOG.info(
                "{}: {}captions of {} {} images, e.g. {}",
                modelId(),
                prefix,
                examples.size(),
                split,
                captions.subList(0, Math.min(4, captions.size())));
        out.putAll(CaptionWords.score(examples, captions, prefix, split));
    }

    private static List<Image> images(List<Example> examples) {
        List<Image> images = new ArrayList<>(examples.size());
        for (Example e : examples) {
            images.add(e.image());
        }
        return images;
    }

    @Override
    public void save(Path dir, TrainingLoss loss, Dataset dataset) throws IOException {
        StoredFrozen.save(dir, config, block());
    }

    @Override
    public Map<String, Object> describe() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("variant", config.name());
        out.put("lm_model", config.lmModel() + " v" + config.lmVersion());
        out.put(
                "image",
                config.imageSize() + " px, "
                        + (config.usesResnet()
                                ? "resnet " + config.imageWidths()
                                : "vit, " + config.patches() + " patches"));
        out.put("prefix_length", config.prefixLength());
        out.put("parameters", parameterCount(false));
        out.put("trained_parameters", parameterCount(true));
        return out;
    }
}
