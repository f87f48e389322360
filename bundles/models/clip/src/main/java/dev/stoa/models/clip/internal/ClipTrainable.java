package dev.stoa.models.clip.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import dev.stoa.api.dataset.Dataset;
import dev.stoa.api.dataset.Example;
import dev.stoa.nn.encoder.EncoderFactory;
import dev.stoa.nn.loss.TrainingLoss;
import dev.stoa.nn.text.ByteTokenizer;
import dev.stoa.nn.text.TokenBatch;
import dev.stoa.nn.train.BaseTrainableModel;
import dev.stoa.nn.train.EvaluationOptions;
import dev.stoa.nn.train.ModelFiles;
import dev.stoa.nn.train.TrainingExamples;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * A CLIP variant as the trainer sees it. Inputs {@code [images (B, 3, S, S), ids (B, T), lengths (B)]}, one caption
 * per image drawn from its captions; the loss gets {@code [v (B, E), l (B, E), labels (B)]} (labels for UniCL; the
 * CLIP and ALIGN losses read the first two). {@link #save} writes what {@link ClipInference#open} loads:
 * {@code clip.params} and the effective {@code variant.properties}.
 *
 * <p>Evaluation ({@link #evaluate}), on the dataset's non-training splits:
 * <ul>
 *   <li>{@code zero_shot_top1/<split>}: top-1 accuracy over all of the dataset's labels with its prompt templates
 *       ensembled (mean of normalised template embeddings, {@link ZeroShot}), on the first {@code examples}
 *       (default 500) examples of each labelled split: {@code test} (seen classes), {@code test-unseen} (held-out
 *       colour-shape combinations) and {@code test-renderer} (seen classes drawn with the held-out renderer
 *       setting) side by side, where the dataset has them;</li>
 *   <li>{@code zero_shot_<attribute>/<split>} for the {@code test*} splits: how often the predicted label holds the
 *       example's attribute (e.g. {@code colour}, {@code shape}) where the attribute is a word of its label
 *       ({@link AttributeAccuracy}): which half of a composed label the model gets wrong;</li>
 *   <li>{@code recall@1/<split>}, {@code recall@5/<split>}: text-to-image retrieval on a gallery of the first
 *       {@code gallery} (default 500) images of {@code retrieval_split} (default {@code test}), each image's first
 *       caption the query. A retrieved image counts when it shows the query's class (same label): in a synthetic
 *       gallery many images share a caption, so "the one image" is not defined. Unlabelled data counts only the
 *       query's own image.</li>
 * </ul>
 */
final class ClipTrainable extends BaseTrainableModel<ClipModel> {

    private static final int CHUNK = 250;

    /** Splits whose zero-shot errors are also broken down by attribute: test, test-unseen, test-renderer. */
    private static final String TEST_SPLITS = "test";

    private final ClipVariant variant;
    private final ByteTokenizer tokenizer;
    private final ClipPreprocessing preprocessing;

    ClipTrainable(ClipVariant variant, String modelId, Function<String, EncoderFactory> encoders) {
        super(modelId, ClipInference.build(variant, encoders));
        this.variant = variant;
        this.tokenizer = new ByteTokenizer(variant.contextLength());
        this.preprocessing = new ClipPreprocessing(variant.imageSize());
    }

    @Override
    protected Shape[] inputShapes() {
        return new Shape[] {
            new Shape(1, 3, variant.imageSize(), variant.imageSize()),
            new Shape(1, variant.contextLength()),
            new Shape(1)
        };
    }

    @Override
    public NDList inputs(NDManager batch, List<Example> examples, SplittableRandom random) {
        TokenBatch tokens = tokenizer.encode(TrainingExamples.oneCaptionEach(examples, random));
        return new NDList(images(batch, examples), ids(batch, tokens), batch.create(tokens.lengths()));
    }

    private NDArray images(NDManager batch, List<Example> examples) {
        int s = preprocessing.size();
        int plane = 3 * s * s;
        float[] pixels = new float[examples.size() * plane];
        for (int i = 0; i < examples.size(); i++) {
            System.arraycopy(preprocessing.toChw(examples.get(i).image()), 0, pixels, i * plane, plane);
        }
        return batch.create(pixels, new Shape(examples.size(), 3, s, s));
    }

    @Override
    public NDList lossInputs(NDList outputs, List<Example> examples, NDManager batch) {
        return new NDList(outputs.get(0), outputs.get(1), batch.create(labelIds(examples)));
    }

    private static long[] labelIds(List<Example> examples) {
        Map<String, Long> ids = new LinkedHashMap<>();
        long[] out = new long[examples.size()];
        for (int i = 0; i < out.length; i++) {
            Example e = examples.get(i);
            String key = e.label() != null ? e.label() : e.caption();
            out[i] = ids.computeIfAbsent(key, k -> (long) ids.size());
        }
        return out;
    }

    @Override
    public Map<String, Double> evaluate(Dataset dataset, Map<String, ?> options, ParameterStore ps) {
        EvaluationOptions o = new EvaluationOptions(options);
        int perSplit = o.integer("examples", 500);
        int gallery = o.integer("gallery", 500);
        String retrievalSplit = o.string("retrieval_split", "test");
        NDManager m = ps.getManager();
        Map<String, Double> out = new LinkedHashMap<>();
        List<String> labels = dataset.labels();
        if (!labels.isEmpty()) {
            List<String> templates = dataset.promptTemplates();
            List<String> prompts = new ArrayList<>();
            for (String label : labels) {
                for (String template : templates) {
                    prompts.add(template.replace("{}", label));
                }
            }
            NDArray classifier = ZeroShot.classifier(texts(ps, m, prompts), labels.size(), templates.size());
            Map<String, Double> attributes = new LinkedHashMap<>();
            // the test splits first (seen, held-out combinations, held-out renderer), so they are read side by side
            List<String> splits = new ArrayList<>(TrainingExamples.heldOutSplits(dataset));
            splits.sort(java.util.Comparator.comparing(split -> !split.startsWith(TEST_SPLITS)));
            for (String split : splits) {
                List<Example> examples = TrainingExamples.first(dataset.split(split), perSplit);
                long[] truth = examples.stream()
                        .mapToLong(e -> labels.indexOf(e.label()))
                        .toArray();
                if (examples.isEmpty() || java.util.Arrays.stream(truth).anyMatch(t -> t < 0)) {
                    continue;
                }
                long[] predicted = images(ps, m, examples)
                        .matMul(classifier.transpose())
                        .argMax(1)
                        .toType(DataType.INT64, false)
                        .toLongArray();
                int correct = 0;
                List<String> predictedLabels = new ArrayList<>(truth.length);
                for (int i = 0; i < truth.length; i++) {
                    correct += predicted[i] == truth[i] ? 1 : 0;
                    predictedLabels.add(labels.get((int) predicted[i]));
                }
                out.put("zero_shot_top1/" + split, (double) correct / truth.length);
                if (split.startsWith(TEST_SPLITS)) {
                    // which part of a composed label it gets right: colour and shape apart, for the held-out
                    // combinations above all (test-unseen)
                    AttributeAccuracy.of(examples, predictedLabels)
                            .forEach((attribute, accuracy) ->
                                    attributes.put("zero_shot_" + attribute + "/" + split, accuracy));
                }
            }
            out.putAll(attributes);
        }
        if (dataset.splits().contains(retrievalSplit)) {
            List<Example> examples = TrainingExamples.first(dataset.split(retrievalSplit), gallery);
            if (!examples.isEmpty()) {
                NDArray g = images(ps, m, examples);
                NDArray q = texts(ps, m, examples.stream().map(Example::caption).toList());
                int k = Math.min(5, examples.size());
                long[] top = q.matMul(g.transpose())
                        .argSort(1, false)
                        .get(":, :" + k)
                        .toType(DataType.INT64, false)
                        .toLongArray();
                int hit1 = 0;
                int hit5 = 0;
                for (int i = 0; i < examples.size(); i++) {
                    boolean any = false;
                    for (int r = 0; r < k; r++) {
                        boolean relevant =
                                relevant(examples.get(i), examples.get((int) top[i * k + r]), i, (int) top[i * k + r]);
                        if (relevant && r == 0) {
                            hit1++;
                        }
                        any |= relevant;
                    }
                    hit5 += any ? 1 : 0;
                }
                out.put("recall@1/" + retrievalSplit, (double) hit1 / examples.size());
                out.put("recall@5/" + retrievalSplit, (double) hit5 / examples.size());
            }
        }
        return out;
    }

    private static boolean relevant(Example query, Example found, int queryIndex, int foundIndex) {
        return query.label() != null ? query.label().equals(found.label()) : queryIndex == foundIndex;
    }

    private NDArray images(ParameterStore ps, NDManager m, List<Example> examples) {
        NDList parts = new NDList();
        for (int i = 0; i < examples.size(); i += CHUNK) {
            List<Example> chunk = examples.subList(i, Math.min(examples.size(), i + CHUNK));
            parts.add(block().encodeImage(ps, images(m, chunk), false));
        }
        return parts.size() == 1 ? parts.head() : NDArrays.concat(parts);
    }

    private NDArray texts(ParameterStore ps, NDManager m, List<String> texts) {
        NDList parts = new NDList();
        for (int i = 0; i < texts.size(); i += CHUNK) {
            TokenBatch tokens = tokenizer.encode(texts.subList(i, Math.min(texts.size(), i + CHUNK)));
            parts.add(block().encodeText(
                            ps,
                            m.create(tokens.flatIds(), new Shape(tokens.batchSize(), tokens.contextLength())),
                            m.create(tokens.lengths()),
                            false));
        }
        return parts.size() == 1 ? parts.head() : NDArrays.concat(parts);
    }

    @Override
    public void save(Path dir, TrainingLoss loss, Dataset dataset) throws IOException {
        for (Pair<String, Parameter> p : loss.getParameters()) {
            if (p.getKey().endsWith("logit_scale")) {
                // the loss learned the temperature; inference scales its logits with the same one
                block().setLogitScale(p.getValue().getArray().toFloatArray()[0]);
            }
        }
        ModelFiles.saveParameters(block(), dir.resolve(ClipInference.PARAMETERS));
        if (!dataset.labels().isEmpty()) {
            // the classes it learned become the zero-shot service's default labels, as open_clip keeps classnames
            Files.write(dir.resolve(ClipInference.CLASSES), dataset.labels());
            Files.write(dir.resolve(ClipInference.TEMPLATES), dataset.promptTemplates());
        }
        ModelFiles.writeProperties(
                dir.resolve(ModelFiles.VARIANT),
                variant.toProperties(),
                "CLIP variant '" + variant.name() + "' as trained for " + modelId());
    }

    @Override
    public Map<String, Object> describe() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("variant", variant.name());
        out.put("image_encoder", variant.imageEncoder());
        out.put("text_encoder", variant.textEncoder());
        out.put("embed_dim", variant.embedDimension());
        out.put("image_size", variant.imageSize());
        out.put("parameters", parameterCount(false));
        return out;
    }
}
