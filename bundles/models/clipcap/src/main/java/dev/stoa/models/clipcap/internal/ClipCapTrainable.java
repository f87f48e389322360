package dev.stoa.models.clipcap.internal;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.stoa.api.dataset.Dataset;
import dev.stoa.api.dataset.Example;
import dev.stoa.nn.eval.CaptionWords;
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
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ClipCap as the trainer sees it. Inputs {@code [v (B, E), ids (B, T)]}: the frozen CLIP's image embeddings and one
 * of each image's captions drawn at random; the {@code captioning} loss gets the block's {@code [logits (B, T, V),
 * ids]} as they are (the block passes its ids through). With
 * {@code freeze_decoder} the decoder's parameters do not require gradients, so the trainer (which optimises those
 * that do) trains the mapper only. Embeddings are cached by example id: CLIP is frozen, so an example's embedding
 * never changes during a run.
 *
 * <p>Evaluation: captions for the first {@code examples} (default 200) images of {@code split} (default
 * {@code test}), greedy or beam as the variant says; {@code caption_colour_shape_accuracy/<split>} is the fraction
 * whose caption names the image's colour and its shape ({@link CaptionWords}), {@code caption_colour_accuracy} and
 * {@code caption_shape_accuracy} each alone, and {@code caption_count_accuracy} whether it gives the number of copies
 * ({@link CaptionWords#counts}: scenes with several copies, {@code max_count} above 1), and
 * {@code caption_text_accuracy} over the images with a word, whether the caption quotes it.
 */
final class ClipCapTrainable extends BaseTrainableModel<ClipCap> {

    private static final Logger LOG = LoggerFactory.getLogger(ClipCapTrainable.class);

    private final ClipCapConfig config;
    private final ImageEmbedder embedder;
    private final PretrainedLanguageModel pretrainedDecoder;
    private final ByteTokenizer tokenizer;
    private final Map<String, float[]> embeddings = new ConcurrentHashMap<>();

    /**
     * @param modelId the store id, {@code clipcap-<name>}
     * @param config the variant, with the decoder's hyperparameters as built
     * @param model the block, uninitialised
     * @param embedder the frozen CLIP image encoder
     * @param pretrainedDecoder the pretrained decoder in the store to start from, or null for random weights
     */
    ClipCapTrainable(
            String modelId,
            ClipCapConfig config,
            ClipCap model,
            ImageEmbedder embedder,
            PretrainedLanguageModel pretrainedDecoder) {
        super(modelId, model);
        this.config = config;
        this.embedder = embedder;
        this.pretrainedDecoder = pretrainedDecoder;
        this.tokenizer = new ByteTokenizer(config.captionLength());
    }

    /** @return the block, typed */
    ClipCap clipCap() {
        return block();
    }

    @Override
    protected Shape[] inputShapes() {
        return new Shape[] {new Shape(1, embedder.dimension()), new Shape(1, config.captionLength())};
    }

    @Override
    public void initialize(NDManager manager) {
        super.initialize(manager);
        if (pretrainedDecoder != null) {
            pretrainedDecoder.load(block().decoder(), manager);
        }
        if (config.freezeDecoder()) {
            // the trainer optimises only parameters that require gradients: the mapper alone
            block().decoder().freezeParameters(true);
        }
    }

    @Override
    public NDList inputs(NDManager batch, List<Example> examples, SplittableRandom random) {
        return new NDList(
                batch.create(embed(examples)),
                ids(batch, tokenizer.encode(TrainingExamples.oneCaptionEach(examples, random))));
    }

    private float[][] embed(List<Example> examples) {
        List<Example> missing =
                examples.stream().filter(e -> !embeddings.containsKey(e.id())).toList();
        if (!missing.isEmpty()) {
            float[][] fresh =
                    embedder.embed(missing.stream().map(Example::image).toList());
            for (int i = 0; i < fresh.length; i++) {
                embeddings.put(missing.get(i).id(), fresh[i]);
            }
        }
        return examples.stream().map(e -> embeddings.get(e.id())).toArray(float[][]::new);
    }

    @Override
    public Map<String, Double> evaluate(Dataset dataset, Map<String, ?> options, ParameterStore ps) {
        EvaluationOptions o = new EvaluationOptions(options);
        String split = o.string("split", "test");
        List<Example> examples = TrainingExamples.first(dataset.split(split), o.integer("examples", 200));
        List<String> captions = new CaptionWriter(block(), config).write(ps, ps.getManager(), embed(examples));
        int worded = 0;
        int read = 0;
        for (int i = 0; i < examples.size(); i++) {
            String word = examples.get(i).attributes().get("text");
            if (word != null && !word.isBlank()) {
                worded++;
                read += captions.get(i).contains(word) ? 1 : 0;
            }
        }
        LOG.info(
                "{}: captions of {} {} images, e.g. {}",
                modelId(),
                examples.size(),
                split,
                captions.subList(0, Math.min(4, captions.size())));
        Map<String, Double> out = new LinkedHashMap<>(CaptionWords.score(examples, captions, "", split));
        if (worded > 0) {
            out.put("caption_text_accuracy/" + split, read / (double) worded);
        }
        return out;
    }

    @Override
    public void save(Path dir, TrainingLoss loss, Dataset dataset) throws IOException {
        StoredClipCap.save(dir, config, block());
    }

    @Override
    public Map<String, Object> describe() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("variant", config.name());
        out.put("mapper", config.mapper());
        out.put("prefix_length", config.prefixLength());
        out.put("clip_model", config.clipModel());
        out.put("decoder", config.decoder());
        out.put("decoder_frozen", config.freezeDecoder());
        out.put("parameters", parameterCount(false));
        out.put("trained_parameters", parameterCount(true));
        return out;
    }
}
