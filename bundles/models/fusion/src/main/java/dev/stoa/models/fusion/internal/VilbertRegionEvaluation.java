package dev.stoa.models.fusion.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.stoa.api.dataset.Example;
import dev.stoa.nn.image.ImagePixels;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * ViLBERT's masked regions on held-out scenes, beside {@link FusionEvaluation}'s measures: in each scene the patch
 * with the most shape pixels is masked (its pixels set to 0, as in training) and its colour is read from the region
 * head ({@code R}, the arg-max over the six shape colours), against the colour most of its pixels have:
 *
 * <ul>
 *   <li>{@code masked_region_colour_accuracy/<split>}: with the scene's caption;
 *   <li>{@code masked_region_colour_accuracy_no_text/<split>}: with an empty caption, so the colour must come from
 *       the rest of the image (the other copies, the shape's other patches). Chance: 1/6.
 * </ul>
 */
final class VilbertRegionEvaluation {

    private static final int CHUNK = 100;

    private VilbertRegionEvaluation() {}

    static Map<String, Double> evaluate(
            Vilbert model, FusionTokens tokens, List<Example> examples, String split, ParameterStore ps, NDManager m) {
        VilbertConfig config = model.config();
        int s = config.imageSize();
        int p = config.patchSize();
        int n = examples.size();
        int c = PatchTargets.CLASSES;
        float[] pixels =
                ImagePixels.pixels(examples.stream().map(Example::image).toList(), s);
        int[] at = new int[n];
        int[] colour = new int[n];
        long[][] captions = new long[n][];
        long[][] empty = new long[n][];
        for (int b = 0; b < n; b++) {
            double most = -1;
            for (int k = 0; k < config.patches(); k++) {
                float[] d = PatchTargets.distribution(pixels, b, s, p, k);
                double shape = 0;
                for (int j = 1; j <= SceneCaptions.COLOURS.size(); j++) {
                    shape += d[j];
                }
                if (shape > most) {
                    most = shape;
                    at[b] = k;
                    colour[b] = colourOf(d);
                }
            }
            PatchTargets.zero(pixels, b, s, p, at[b]);
            captions[b] = tokens.encode(SceneCaptions.caption(SceneCaptions.scene(examples.get(b)), b % 3));
            empty[b] = tokens.encode("");
        }
        Map<String, Double> out = new LinkedHashMap<>();
        out.put("masked_region_colour_accuracy/" + split, accuracy(model, captions, pixels, at, colour, ps, m) / n);
        out.put(
                "masked_region_colour_accuracy_no_text/" + split,
                accuracy(model, empty, pixels, at, colour, ps, m) / n);
        return out;
    }

    /** @return the shape colour (class 1-6) with the most of a distribution */
    private static int colourOf(float[] d) {
        int best = 1;
        for (int j = 2; j <= SceneCaptions.COLOURS.size(); j++) {
            if (d[j] > d[best]) {
                best = j;
            }
        }
        return best;
    }

    private static double accuracy(
            Vilbert model, long[][] ids, float[] pixels, int[] at, int[] colour, ParameterStore ps, NDManager manager) {
        int s = model.imageSize();
        int plane = 3 * s * s;
        int c = PatchTargets.CLASSES;
        int hits = 0;
        for (int from = 0; from < ids.length; from += CHUNK) {
            int to = Math.min(ids.length, from + CHUNK);
            try (NDManager m = manager.newSubManager()) {
                NDArray image =
                        m.create(Arrays.copyOfRange(pixels, from * plane, to * plane), new Shape(to - from, 3, s, s));
                NDList y = model.forward(
                        ps, new NDList(VisualBertTrainable.rows(m, Arrays.copyOfRange(ids, from, to)), image), false);
                float[] r = y.get(2).toFloatArray();
                int patches = model.config().patches();
                for (int b = from; b < to; b++) {
                    float[] d = Arrays.copyOfRange(
                            r, ((b - from) * patches + at[b]) * c, ((b - from) * patches + at[b] + 1) * c);
                    hits += colourOf(d) == colour[b] ? 1 : 0;
                }
            }
        }
        return hits;
    }
}
