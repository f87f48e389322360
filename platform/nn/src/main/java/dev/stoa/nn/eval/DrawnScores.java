package dev.stoa.nn.eval;

import dev.stoa.api.data.Image;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The scores of drawn images by the non-learning {@link ShapeJudge}, shared by the generators that draw shapes (unCLIP;
 * GLIDE's own {@code DrawnAccuracy} computes the same three numbers and may move here):
 *
 * <ul>
 *   <li>{@link #prompted}: images drawn for {@code "a <colour> <shape>"}: the fraction the judge reads as the asked
 *       colour and shape ({@code drawn_colour_shape_accuracy<suffix>}), and each alone ({@code drawn_colour_accuracy},
 *       {@code drawn_shape_accuracy});
 *   <li>{@link #variations}: variations of source images: the fraction whose judged colour and shape are the judged
 *       colour and shape of their source ({@code variation_colour_shape_kept<suffix>}, and each alone), and how often
 *       the judge reads the source at all ({@code variation_source_judged<suffix>}, a source it cannot read counts as
 *       not kept).
 * </ul>
 */
public final class DrawnScores {

    private DrawnScores() {}

    /**
     * @param colours the asked colour of each image
     * @param shapes the asked shape of each image
     * @param drawn the images, one per prompt
     * @param suffix appended to each metric's name, e.g. {@code /test}
     * @return the three fractions (0 when there are no images)
     */
    public static Map<String, Double> prompted(
            List<String> colours, List<String> shapes, List<Image> drawn, String suffix) {
        check(colours.size(), drawn.size());
        check(shapes.size(), drawn.size());
        int colour = 0;
        int shape = 0;
        int both = 0;
        for (int i = 0; i < drawn.size(); i++) {
            ShapeJudge.Verdict v = ShapeJudge.judge(drawn.get(i));
            boolean c = colours.get(i).equals(v.colour());
            boolean s = shapes.get(i).equals(v.shape());
            colour += c ? 1 : 0;
            shape += s ? 1 : 0;
            both += c && s ? 1 : 0;
        }
        double n = Math.max(1, drawn.size());
        Map<String, Double> out = new LinkedHashMap<>();
        out.put("drawn_colour_shape_accuracy" + suffix, both / n);
        out.put("drawn_colour_accuracy" + suffix, colour / n);
        out.put("drawn_shape_accuracy" + suffix, shape / n);
        return out;
    }

    /**
     * @param sources the images the variations were made from
     * @param variations one variation per source
     * @param suffix appended to each metric's name
     * @return the fractions kept (0 when there are no images)
     */
    public static Map<String, Double> variations(List<Image> sources, List<Image> variations, String suffix) {
        check(sources.size(), variations.size());
        int judged = 0;
        int colour = 0;
        int shape = 0;
        int both = 0;
        for (int i = 0; i < sources.size(); i++) {
            ShapeJudge.Verdict source = ShapeJudge.judge(sources.get(i));
            if (source.colour() == null || source.shape() == null) {
                continue;
            }
            judged++;
            ShapeJudge.Verdict v = ShapeJudge.judge(variations.get(i));
            boolean c = source.colour().equals(v.colour());
            boolean s = source.shape().equals(v.shape());
            colour += c ? 1 : 0;
            shape += s ? 1 : 0;
            both += c && s ? 1 : 0;
        }
        double n = Math.max(1, sources.size());
        Map<String, Double> out = new LinkedHashMap<>();
        out.put("variation_colour_shape_kept" + suffix, both / n);
        out.put("variation_colour_kept" + suffix, colour / n);
        out.put("variation_shape_kept" + suffix, shape / n);
        out.put("variation_source_judged" + suffix, judged / n);
        return out;
    }

    private static void check(int a, int b) {
        if (a != b) {
            throw new IllegalArgumentException("one expectation per image: " + a + " for " + b + " images");
        }
    }
}
