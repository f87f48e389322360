package dev.stoa.datasets.internal;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Captions of a {@link ShapeScene} from fixed templates. Every caption names the colour and the shape (but the
 * {@code partial} ones of {@link AttributeCaptions}); with several copies every caption says how many ("two red
 * circles"); with a word drawn, some captions quote it.
 */
final class ShapeCaptions {

    /** Number words for counts 1 to 9 (index 0 is unused). */
    static final List<String> NUMBERS =
            List.of("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine");

    /** Templates for one shape: {c} colour, {s} shape, {z} small/large, {w} where ("on the left"). */
    private static final List<String> SINGLE = List.of(
            "a {c} {s}",
            "a photo of a {c} {s}.",
            "a {z} {c} {s}",
            "a {c} {s} {w}",
            "a {z} {c} {s} {w}",
            "there is one {c} {s}",
            "a drawing of a {c} {s}.");

    /** Templates for several copies: {n} the number word, {p} the plural shape. */
    private static final List<String> SEVERAL = List.of(
            "{n} {c} {p}",
            "a photo of {n} {c} {p}.",
            "{n} {z} {c} {p}",
            "there are {n} {c} {p}",
            "a drawing of {n} {c} {p}.");

    /** Extra templates when a word is drawn: {t} the word. */
    private static final List<String> SINGLE_TEXT =
            List.of("a {c} {s} and the word {t}", "a {c} {s} with the text \"{t}\"");

    private static final List<String> SEVERAL_TEXT =
            List.of("{n} {c} {p} and the word {t}", "{n} {c} {p} with the text \"{t}\"");

    /**
     * With {@code attribute_captions: separate}: templates that name the colour and the shape in separate phrases
     * and in either order, so the text tower cannot learn "red circle" as one unit but has to read each word, as an
     * unseen "green triangle" needs. Every one still names both, so it describes only its own class and the
     * contrastive targets stay true.
     */
    private static final List<String> SINGLE_SEPARATE =
            List.of("a {c} shape which is a {s}", "a {s} which is {c}", "a {s} coloured {c}", "a {s} in {c}");

    private static final List<String> SEVERAL_SEPARATE =
            List.of("{n} {c} shapes which are {p}", "{n} {p} which are {c}", "{n} {p} coloured {c}");

    /**
     * With {@code attribute_captions: partial}: besides the separate ones, captions that name one attribute only
     * ("something red", "a circle"), true of the image but also of others in a batch.
     */
    private static final List<String> SINGLE_PARTIAL = List.of("something {c}", "a {s}");

    private static final List<String> SEVERAL_PARTIAL = List.of("{n} {c} things", "{n} {p}");

    private static final Map<String, String> WHERE = Map.of(
            "left",
            "on the left",
            "right",
            "on the right",
            "top",
            "at the top",
            "bottom",
            "at the bottom",
            "center",
            "in the center");

    private ShapeCaptions() {}

    /**
     * @param scene the scene
     * @return every usual template filled in, distinct, the one the scene's {@code captionChoice} picks first
     */
    static List<String> captions(ShapeScene scene) {
        return captions(scene, AttributeCaptions.NONE);
    }

    /**
     * @param scene the scene
     * @param attributeCaptions which captions naming the attributes apart are added to the usual ones
     * @return the usual captions as {@link #captions(ShapeScene)} gives them, then the added ones
     */
    static List<String> captions(ShapeScene scene, AttributeCaptions attributeCaptions) {
        boolean single = scene.count() == 1;
        List<String> templates = new ArrayList<>(single ? SINGLE : SEVERAL);
        if (scene.text() != null) {
            templates.addAll(single ? SINGLE_TEXT : SEVERAL_TEXT);
        }
        Set<String> out = new LinkedHashSet<>();
        int first = scene.captionChoice() % templates.size();
        for (int k = 0; k < templates.size(); k++) {
            out.add(fill(templates.get((first + k) % templates.size()), scene));
        }
        // the added ones after the usual ones, so the lead caption (a retrieval query) is the same with any option
        List<String> added = new ArrayList<>();
        if (attributeCaptions != AttributeCaptions.NONE) {
            added.addAll(single ? SINGLE_SEPARATE : SEVERAL_SEPARATE);
        }
        if (attributeCaptions == AttributeCaptions.PARTIAL) {
            added.addAll(single ? SINGLE_PARTIAL : SEVERAL_PARTIAL);
        }
        for (String template : added) {
            out.add(fill(template, scene));
        }
        return List.copyOf(out);
    }

    private static String fill(String template, ShapeScene scene) {
        String where = scene.position() == null ? "" : WHERE.get(scene.position());
        return template.replace("{c}", scene.colour().word())
                .replace("{s}", scene.kind().word())
                .replace("{p}", scene.kind().plural())
                .replace("{n}", NUMBERS.get(scene.count()))
                .replace("{z}", scene.size())
                .replace("{w}", where)
                .replace("{t}", scene.text() == null ? "" : scene.text());
    }
}
