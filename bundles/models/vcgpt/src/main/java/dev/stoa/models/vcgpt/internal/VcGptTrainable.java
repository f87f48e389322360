package dev.stoa.models.vcgpt.internal;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.stoa.api.dataset.Dataset;
import dev.stoa.api.dataset.Example;
import dev.stoa.nn.eval.CaptionWords;
import dev.stoa.nn.fusion.SelfEnsembling;
import dev.stoa.nn.lm.PretrainedLanguageModel;
import dev.stoa.nn.loss.TrainingLoss;
import dev.stoa.nn.text.ByteTokenizer;
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
 * VC-GPT as the trainer sees it. Inputs {@code [g (B, N, C), ids (B, T)]}: the frozen CLIP's grid features (cached per
 * example id, {@link GridCache}) and one of each image's captions drawn at random; the {@code captioning} loss gets
 * the block's {@code [logits, ids]}. {@link #initialize} loads the pretrained language model and freezes it, so the
 * trainer (which optimises only parameters that require gradients) trains the fusion module alone.
 *
 * <p>Evaluation on the first {@code examples} (default 200) images of {@code split} (default {@code test}): greedy
 * captions decoded with the variant's logits give {@code caption_colour_shape_accuracy/<split>} (colour and shape
 * named, {@link CaptionWords}), {@code caption_colour_accuracy}, {@code caption_shape_accuracy},
 * {@code caption_count_accuracy}; with {@code ablation: true} (the default) the same captions are also decoded from
 * each part alone, {@code fused_*} (the fusion module's logits) and {@code lm_*} (the frozen language model's, which
 * never sees the image): what each part of the self-ensemble gives.
 */
final class VcGptTrainable extends BaseTrainableModel<VcGpt> {

    private static final Logger LOG = LoggerFactory.getLogger(VcGptTrainable.class);

    private final VcGptConfig config;
    private final ImageGrid grid;
    private final GridCache cache;
    private final PretrainedLanguageModel lm;
    private final ByteTokenizer tokenizer;

    /**
     * @param modelId the store id, {@code vcgpt-<name>}
     * @param config the variant, recording the LM's version
     * @param model the block, uninitialised
     * @param grid the frozen image side
     * @param lm the frozen language model's files, or null to keep its initial weights (tests), still frozen
     */
    VcGptTrainable(String modelId, VcGptConfig config, VcGpt model, ImageGrid grid, PretrainedLanguageModel lm) {
        super(modelId, model);
        this.config = config;
        this.grid = grid;
        this.cache = new GridCache(grid);
        this.lm = lm;
        this.tokenizer = new ByteTokenizer(config.captionLength());
    }

    VcGptConfig config() {
        return config;
    }

    @Override
    protected Shape[] inputShapes() {
        return new Shape[] {new Shape(1, grid.tokens(), grid.width()), new Shape(1, config.captionLength())};
    }

    @Override
    public void initialize(NDManager manager) {
        super.initialize(manager);
        if (lm != null) {
            lm.load(block().lm(), manager);
        }
        // frozen: the trainer optimises only parameters that require gradients, the fusion module's
        block().lm().freezeParameters(true);
    }

    @Override
    public NDList inputs(NDManager batch, List<Example> examples, SplittableRandom random) {
        return new NDList(
                batch.create(cache.features(examples), new Shape(examples.size(), grid.tokens(), grid.width())),
                ids(batch, tokenizer.encode(TrainingExamples.oneCaptionEach(examples, random))));
    }

    /**
     * @param ps where the parameters are read
     * @param examples the images
     * @param member which logits to decode
     * @return greedy captions, one per example
     */
    List<String> captions(ParameterStore ps, List<Example> examples, SelfEnsembling member) {
        return new CaptionDecoder(block(), config)
                .captions(ps, ps.getManager(), cache.features(examples), grid.tokens(), grid.width(), member);
    }

    @Override
    public Map<String, Double> evaluate(Dataset dataset, Map<String, ?> options, ParameterStore ps) {
        EvaluationOptions o = new EvaluationOptions(options);
        String split = o.string("split", "test");
        List<Example> examples = TrainingExamples.first(dataset.split(split), o.integer("examples", 200));
        Map<String, Double> out = new LinkedHashMap<>();
        score(out, "", split, examples, captions(ps, examples, config.logits()));
        if (Boolean.parseBoolean(o.string("ablation", "true")) && config.logits() == SelfEnsembling.ENSEMBLE) {
            score(out, "fused_", split, examples, captions(ps, examples, SelfEnsembling.FUSED));
            score(out, "lm_", split, examples, captions(ps, examples, SelfEnsembling.LM));
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

    @Override
    public void save(Path dir, TrainingLoss loss, Dataset dataset) throws IOException {
        StoredVcGpt.save(dir, config, block(), grid.tokens(), grid.width());
    }

    @Override
    public Map<String, Object> describe() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("variant", config.name());
        out.put("clip_model", config.clipModel());
        out.put("grid", grid.tokens() + " x " + grid.width());
        out.put("lm_model", config.lmModel() + " v" + config.lmVersion());
        out.put("logits", config.logits().word());
        out.put("fusion_layers", config.layers());
        out.put("parameters", parameterCount(false));
        out.put("trained_parameters", parameterCount(true));
        return out;
    }
}
