package dev.stoa.models.fusion.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import dev.stoa.api.data.Image;
import dev.stoa.api.dataset.Example;
import dev.stoa.models.fusion.internal.SceneCaptions.Attribute;
import dev.stoa.models.fusion.internal.SceneCaptions.Scene;
import dev.stoa.nn.image.ImagePixels;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The measures of a fusion encoder (VisualBERT, ViLBERT) on held-out scenes, each a pure function of the
 * examples (fixed seeds):
 *
 * <ul>
 *   <li>{@code itm_accuracy/<split>}: image-text matching where every second pair's caption is changed in one
 *       attribute (colour, shape, count in turn; colour and shape when scenes have one copy), the other captions
 *       kept; a pair is called matching when {@code softmax(S)[1] > 0.5}. Chance: 50%. Also per changed attribute
 *       ({@code itm_colour_negative_accuracy}, ...: the negatives of that kind called not matching).
 *   <li>{@code masked_colour_accuracy/<split>}, {@code masked_shape_accuracy}: the colour (shape) word of the
 *       scene's caption replaced by [MASK], recovered as the arg-max word; {@code masked_word_accuracy} their mean.
 *   <li>the same with a blank (white) image, {@code ..._blank_image}: the ablation, near chance (1/6 for colours,
 *       1/5 for shapes) when the words come from the image and not from the rest of the caption.
 * </ul>
 */
final class FusionEvaluation {

    private static final int CHUNK = 100;

    private final FusionEncoder model;
    private final FusionTokens tokens;

    FusionEvaluation(FusionEncoder model, FusionTokens tokens) {
        this.model = model;
        this.tokens = tokens;
    }

    Map<String, Double> evaluate(List<Example> examples, String split, ParameterStore ps, NDManager manager) {
        int n = examples.size();
        int maxCount = model.maxCount();
        long[][] pairIds = new long[n][];
        boolean[] matches = new boolean[n];
        Attribute[] changed = new Attribute[n];
        long[][] colourIds = new long[n][];
        long[][] shapeIds = new long[n][];
        long[] colourTarget = new long[n];
        long[] shapeTarget = new long[n];
        int[] colourAt = new int[n];
        int[] shapeAt = new int[n];
        for (int i = 0; i < n; i++) {
            Scene scene = SceneCaptions.scene(examples.get(i));
            int template = i % SceneCaptions.TEMPLATES;
            matches[i] = i % 2 == 0;
            Scene shown = scene;
            if (!matches[i]) {
                changed[i] = maxCount > 1
                        ? Attribute.values()[(i / 2) % 3]
                        : (i / 2) % 2 == 0 ? Attribute.COLOUR : Attribute.SHAPE;
                shown = scene.change(changed[i], new SplittableRandom(i), maxCount);
            }
            pairIds[i] = tokens.encode(SceneCaptions.caption(shown, template));
            long[] caption = tokens.encode(SceneCaptions.caption(scene, template));
            colourTarget[i] = tokens.words().toIds(scene.colour())[0];
            shapeTarget[i] =
                    tokens.words().toIds(scene.count() == 1 ? scene.shape() : SceneCaptions.plural(scene.shape()))[0];
            colourAt[i] = indexOf(caption, colourTarget[i]);
            shapeAt[i] = indexOf(caption, shapeTarget[i]);
            colourIds[i] = caption.clone();
            colourIds[i][colourAt[i]] = tokens.maskId();
            shapeIds[i] = caption.clone();
            shapeIds[i][shapeAt[i]] = tokens.maskId();
        }
        List<Image> images = examples.stream().map(Example::image).toList();
        List<Image> blanks = Collections.nCopies(n, ImagePixels.blank(model.imageSize()));

        float[] scores = matchScores(pairIds, images, ps, manager);
        int correct = 0;
        Map<Attribute, int[]> byAttribute = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            boolean ok = scores[i] > 0.5f == matches[i];
            correct += ok ? 1 : 0;
            if (!matches[i]) {
                int[] c = byAttribute.computeIfAbsent(changed[i], k -> new int[2]);
                c[0] += ok ? 1 : 0;
                c[1]++;
            }
        }
        Map<String, Double> out = new LinkedHashMap<>();
        double total = Math.max(1, n);
        out.put("itm_accuracy/" + split, correct / total);
        byAttribute.forEach((a, c) -> out.put(
                "itm_" + a.name().toLowerCase(java.util.Locale.ROOT) + "_negative_accuracy/" + split,
                c[0] / (double) c[1]));
        for (boolean blank : new boolean[] {false, true}) {
            List<Image> shown = blank ? blanks : images;
            double colour = recovered(colourIds, colourAt, colourTarget, shown, ps, manager) / total;
            double shape = recovered(shapeIds, shapeAt, shapeTarget, shown, ps, manager) / total;
            String suffix = (blank ? "_blank_image/" : "/") + split;
            out.put("masked_colour_accuracy" + suffix, colour);
            out.put("masked_shape_accuracy" + suffix, shape);
            out.put("masked_word_accuracy" + suffix, (colour + shape) / 2);
        }
        return out;
    }

    /** @return {@code softmax(S)[1]} of each pair */
    float[] matchScores(long[][] ids, List<Image> images, ParameterStore ps, NDManager manager) {
        float[] out = new float[ids.length];
        for (int from = 0; from < ids.length; from += CHUNK) {
            int to = Math.min(ids.length, from + CHUNK);
            try (NDManager m = manager.newSubManager()) {
                NDList y = forward(java.util.Arrays.copyOfRange(ids, from, to), images.subList(from, to), ps, m);
                float[] p = y.get(1).softmax(-1).get(":, 1").toFloatArray();
                System.arraycopy(p, 0, out, from, p.length);
            }
        }
        return out;
    }

    /**
     * @return for each row, the probabilities of every id at every position, {@code [b][t][v]}
     */
    float[][][] tokenProbabilities(long[][] ids, List<Image> images, ParameterStore ps, NDManager manager) {
        List<float[][]> out = new ArrayList<>();
        for (int from = 0; from < ids.length; from += CHUNK) {
            int to = Math.min(ids.length, from + CHUNK);
            try (NDManager m = manager.newSubManager()) {
                NDArray p = forward(java.util.Arrays.copyOfRange(ids, from, to), images.subList(from, to), ps, m)
                        .get(0)
                        .softmax(-1);
                float[] flat = p.toFloatArray();
                int t = (int) p.getShape().get(1);
                int v = (int) p.getShape().get(2);
                for (int b = 0; b < to - from; b++) {
                    float[][] row = new float[t][v];
                    for (int j = 0; j < t; j++) {
                        System.arraycopy(flat, (b * t + j) * v, row[j], 0, v);
                    }
                    out.add(row);
                }
            }
        }
        return out.toArray(new float[0][][]);
    }

    private int recovered(
            long[][] ids, int[] at, long[] target, List<Image> images, ParameterStore ps, NDManager manager) {
        int hits = 0;
        for (int from = 0; from < ids.length; from += CHUNK) {
            int to = Math.min(ids.length, from + CHUNK);
            try (NDManager m = manager.newSubManager()) {
                NDArray z = forward(java.util.Arrays.copyOfRange(ids, from, to), images.subList(from, to), ps, m)
                        .get(0);
                long[] best = z.argMax(-1).toLongArray();
                int t = (int) z.getShape().get(1);
                for (int b = from; b < to; b++) {
                    hits += best[(b - from) * t + at[b]] == target[b] ? 1 : 0;
                }
            }
        }
        return hits;
    }

    private NDList forward(long[][] ids, List<Image> images, ParameterStore ps, NDManager m) {
        return model.forward(
                ps,
                new NDList(VisualBertTrainable.rows(m, ids), ImagePixels.batch(m, images, model.imageSize())),
                false);
    }

    private static int indexOf(long[] row, long id) {
        for (int i = 0; i < row.length; i++) {
            if (row[i] == id) {
                return i;
            }
        }
        throw new IllegalStateException("caption has no id " + id);
    }
}
