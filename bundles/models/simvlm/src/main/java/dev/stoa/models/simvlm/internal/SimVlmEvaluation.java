package dev.stoa.models.simvlm.internal;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.stoa.api.data.Image;
import dev.stoa.api.dataset.Example;
import dev.stoa.models.simvlm.internal.SceneText.Scene;
import dev.stoa.nn.decode.BatchGreedy;
import dev.stoa.nn.eval.CaptionWords;
import dev.stoa.nn.image.ImagePixels;
import dev.stoa.nn.text.SpecialTokens;
import dev.stoa.nn.text.WordTokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The measures on held-out scenes, greedy decoding in batches (the same tokens as the services' decoding
 * with {@code dev.stoa.nn.decode.Decoding}, which {@code SimVlmServicesTest} checks):
 *
 * <ul>
 *   <li>{@code caption_colour_shape_accuracy/<split>}: the greedy caption (empty prefix) names the scene's colour and
 *       its shape (clipcap's rule, {@link SceneText#names}); also colour, shape and count alone
 *       ({@code caption_count_accuracy}: {@link SceneText#counts});
 *   <li>{@code completion_shape_accuracy/<split>}: given the prefix "two red", the continuation's first word is the
 *       scene's shape word ("circles"); {@code completion_colour_accuracy}: given "two", the first word is the colour;
 *   <li>{@code completion_shape_accuracy_no_image/<split>}: the same prefix with the image dropped, as the text-only
 *       rows are trained: the language prior alone (chance 1/5 shapes).
 * </ul>
 */
final class SimVlmEvaluation {

    private static final int CHUNK = 100;

    private final SimVlm model;
    private final WordTokenizer words;

    SimVlmEvaluation(SimVlm model, WordTokenizer words) {
        this.model = model;
        this.words = words;
    }

    Map<String, Double> evaluate(List<Example> examples, String split, ParameterStore ps, NDManager manager) {
        int n = examples.size();
        List<Scene> scenes = examples.stream().map(SceneText::scene).toList();
        List<Image> images = examples.stream().map(Example::image).toList();
        long[][] empty = new long[n][];
        long[][] number = new long[n][];
        long[][] numberColour = new long[n][];
        for (int i = 0; i < n; i++) {
            Scene s = scenes.get(i);
            empty[i] = new long[0];
            number[i] = words.toIds(SceneText.NUMBERS.get(s.count() - 1));
            numberColour[i] = words.toIds(SceneText.NUMBERS.get(s.count() - 1) + " " + s.colour());
        }
        List<String> captions = generate(images, empty, true, ps, manager);
        List<String> colours = generate(images, number, true, ps, manager);
        List<String> shapes = generate(images, numberColour, true, ps, manager);
        List<String> blind = generate(images, numberColour, false, ps, manager);
        int colour = 0;
        int shape = 0;
        int both = 0;
        int counted = 0;
        int nextColour = 0;
        int nextShape = 0;
        int nextShapeBlind = 0;
        for (int i = 0; i < n; i++) {
            Scene s = scenes.get(i);
            boolean c = CaptionWords.names(captions.get(i), s.colour());
            boolean h = CaptionWords.names(captions.get(i), s.shape());
            colour += c ? 1 : 0;
            shape += h ? 1 : 0;
            both += c && h ? 1 : 0;
            counted += CaptionWords.counts(captions.get(i), s.count()) ? 1 : 0;
            nextColour += firstWord(colours.get(i)).equals(s.colour()) ? 1 : 0;
            nextShape += firstWord(shapes.get(i)).equals(s.shapeWord()) ? 1 : 0;
            nextShapeBlind += firstWord(blind.get(i)).equals(s.shapeWord()) ? 1 : 0;
        }
        Map<String, Double> out = new LinkedHashMap<>();
        double total = Math.max(1, n);
        out.put("caption_colour_shape_accuracy/" + split, both / total);
        out.put("caption_colour_accuracy/" + split, colour / total);
        out.put("caption_shape_accuracy/" + split, shape / total);
        out.put("caption_count_accuracy/" + split, counted / total);
        out.put("completion_colour_accuracy/" + split, nextColour / total);
        out.put("completion_shape_accuracy/" + split, nextShape / total);
        out.put("completion_shape_accuracy_no_image/" + split, nextShapeBlind / total);
        return out;
    }

    /** @return the greedy captions of images (no prefix), for the log and the tests */
    List<String> captions(List<Image> images, ParameterStore ps, NDManager manager) {
        long[][] empty = new long[images.size()][0];
        return generate(images, empty, true, ps, manager);
    }

    private static String firstWord(String text) {
        String t = text.strip();
        int space = t.indexOf(' ');
        return space < 0 ? t : t.substring(0, space);
    }

    /**
     * Greedy continuations, in batches: the encoder once, then the decoder over the ids so far, the arg-max of the
     * last position appended, until every row has written END or T - 1 tokens.
     *
     * @param prefixes each row's prefix ids, at most T - 2
     * @param shown whether the encoder reads the images (false: text only)
     * @return each row's continuation, words joined by spaces, without the prefix
     */
    List<String> generate(List<Image> images, long[][] prefixes, boolean shown, ParameterStore ps, NDManager manager) {
        List<String> out = new ArrayList<>();
        SimVlmConfig c = model.config();
        for (int from = 0; from < images.size(); from += CHUNK) {
            int to = Math.min(images.size(), from + CHUNK);
            int b = to - from;
            try (NDManager m = manager.newSubManager()) {
                long[] prefix = new long[b * c.maxWords()];
                for (int i = 0; i < b; i++) {
                    System.arraycopy(prefixes[from + i], 0, prefix, i * c.maxWords(), prefixes[from + i].length);
                }
                float[] show = new float[b];
                Arrays.fill(show, shown ? 1f : 0f);
                SimVlm.Memory memory = model.encode(
                        ps,
                        ImagePixels.batch(m, images.subList(from, to), c.imageSize()),
                        m.create(prefix, new Shape(b, c.maxWords())),
                        m.create(show),
                        false);
                long[][] ids = BatchGreedy.decode(
                        m,
                        b,
                        SpecialTokens.START,
                        c.textLength() - 1,
                        (step, tokens) ->
                                model.decode(ps, memory, tokens, false).get(":, -1, :"),
                        SpecialTokens.END,
                        SpecialTokens.PAD);
                for (long[] row : ids) {
                    out.add(words.toText(row));
                }
            }
        }
        return out;
    }
}
