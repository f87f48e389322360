package dev.stoa.models.coca.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.stoa.api.dataset.Example;
import dev.stoa.nn.eval.CaptionWords;
import dev.stoa.nn.eval.ZeroShotClassifier;
import dev.stoa.nn.image.ImagePixels;
import dev.stoa.nn.text.ByteTokenizer;
import dev.stoa.nn.text.TokenBatch;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * CoCa's measures on held-out scenes, each the way the model it is compared with measures it:
 *
 * <ul>
 *   <li>{@code zero_shot_top1/<split>}: as the clip bundle's {@code zero_shot_top1} (ClipTrainable): every label of the
 *       dataset described by each of its prompt templates, the class weight the renormalised mean of the normalised
 *       text embeddings ({@link ZeroShotClassifier}, shared with CLIP), the arg-max of the cosines with the
 *       contrastive image embedding; {@code zero_shot_colour} and {@code zero_shot_shape}: how often the predicted
 *       label holds the image's colour (shape) word;</li>
 *   <li>{@code caption_colour_shape_accuracy/<split>}, {@code caption_colour_accuracy}, {@code caption_shape_accuracy},
 *       {@code caption_count_accuracy}: greedy captions scored as ClipCap scores them ({@link CaptionWords}, shared
 *       with the clipcap bundle).</li>
 * </ul>
 */
final class CocaEvaluation {

    private static final int CHUNK = 100;

    private final Coca model;
    private final ByteTokenizer tokenizer;

    CocaEvaluation(Coca model, ByteTokenizer tokenizer) {
        this.model = model;
        this.tokenizer = tokenizer;
    }

    /**
     * @param labels the dataset's labels ("red circle"), empty to skip zero-shot
     * @param templates its prompt templates with {@code {}}
     * @param examples held-out examples with {@code colour}, {@code shape} and {@code count} attributes
     * @param split the split's name, for the metric names
     * @return the measures
     */
    Map<String, Double> evaluate(
            List<String> labels, List<String> templates, List<Example> examples, String split, ParameterStore ps) {
        Map<String, Double> out = new LinkedHashMap<>();
        NDManager m = ps.getManager();
        try (NDManager sub = m.newSubManager()) {
            NDList imageEmbeddings = new NDList();
            List<String> captions = new ArrayList<>();
            CocaGreedy greedy = new CocaGreedy(model, tokenizer);
            for (int i = 0; i < examples.size(); i += CHUNK) {
                List<Example> chunk = examples.subList(i, Math.min(examples.size(), i + CHUNK));
                NDArray pixels = ImagePixels.batch(
                        sub,
                        chunk.stream().map(Example::image).toList(),
                        model.config().imageSize());
                imageEmbeddings.add(model.encodeImage(ps, pixels, false).get(0));
                captions.addAll(greedy.captions(ps, pixels));
            }
            if (!labels.isEmpty() && !examples.isEmpty()) {
                List<String> prompts = new ArrayList<>();
                for (String label : labels) {
                    for (String template : templates) {
                        prompts.add(template.replace("{}", label));
                    }
                }
                NDArray classifier =
                        ZeroShotClassifier.classifier(texts(ps, sub, prompts), labels.size(), templates.size());
                NDArray images =
                        imageEmbeddings.size() == 1 ? imageEmbeddings.head() : NDArrays.concat(imageEmbeddings);
                long[] predicted = ZeroShotClassifier.predict(images, classifier);
                int correct = 0;
                int colour = 0;
                int shape = 0;
                for (int i = 0; i < examples.size(); i++) {
                    Example e = examples.get(i);
                    String p = labels.get((int) predicted[i]);
                    correct += p.equals(e.label()) ? 1 : 0;
                    colour += CaptionWords.names(p, e.attributes().getOrDefault("colour", "?")) ? 1 : 0;
                    shape += CaptionWords.names(p, e.attributes().getOrDefault("shape", "?")) ? 1 : 0;
                }
                double n = examples.size();
                out.put("zero_shot_top1/" + split, correct / n);
                out.put("zero_shot_colour/" + split, colour / n);
                out.put("zero_shot_shape/" + split, shape / n);
            }
            out.putAll(score(examples, captions, split));
        }
        return out;
    }

    /** ClipCap's caption measures ({@code ClipCapTrainable.evaluate}) over {@link CaptionWords}. */
    static Map<String, Double> score(List<Example> examples, List<String> captions, String split) {
        return CaptionWords.score(examples, captions, "", split);
    }

    /** @return {@code (N, E)} contrastive text embeddings */
    NDArray texts(ParameterStore ps, NDManager m, List<String> texts) {
        NDList parts = new NDList();
        for (int i = 0; i < texts.size(); i += 250) {
            TokenBatch tokens = tokenizer.encode(texts.subList(i, Math.min(texts.size(), i + 250)));
            parts.add(model.encodeText(
                            ps,
                            m.create(tokens.flatIds(), new Shape(tokens.batchSize(), tokens.contextLength())),
                            m.create(tokens.lengths()),
                            false)
                    .get(0));
        }
        return parts.size() == 1 ? parts.head() : NDArrays.concat(parts);
    }
}
