package dev.stoa.vqa.internal;

import dev.stoa.api.dataset.Example;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * Writes a shapes scene's description as the {@code socratic-vqa} pipeline's stages would report it
 * ({@link SceneText}): CLIP's tags, its count, optionally a ClipCap caption, and OCR's text, each stage wrong at the
 * rates of {@link StageErrors}. A wrong value is another value of the same kind (another colour, shape, count or word,
 * or no word), drawn from those the writer has seen in earlier scenes, so nothing about the dataset is hard-coded here.
 *
 * <p>Captions are written from the stage's view of the scene in the {@code shapes} dataset's forms ("two red circles",
 * "a small red circle on the left", "... with the text "STOP""), which ClipCap learnt, the form drawn independently of
 * any error, so the form never tells the model whether the caption is right. (The forms are repeated here because the
 * dataset's are internal to its bundle; a caption form added there should be added here.)
 */
final class SceneWriter {

    // the shapes dataset's caption forms ({z} small/large, {w} where), so the model reads what ClipCap, trained on
    // them, writes
    private static final List<String> SINGLE = List.of(
            "a {c} {s}",
            "a photo of a {c} {s}.",
            "a {z} {c} {s}",
            "a {c} {s} {w}",
            "a {z} {c} {s} {w}",
            "there is one {c} {s}",
            "a drawing of a {c} {s}.");
    private static final List<String> SEVERAL = List.of(
            "{n} {c} {p}",
            "a photo of {n} {c} {p}.",
            "{n} {z} {c} {p}",
            "there are {n} {c} {p}",
            "a drawing of {n} {c} {p}.");
    private static final List<String> SINGLE_TEXT =
            List.of("a {c} {s} and the word {t}", "a {c} {s} with the text \"{t}\"");
    private static final List<String> SEVERAL_TEXT =
            List.of("{n} {c} {p} and the word {t}", "{n} {c} {p} with the text \"{t}\"");
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

    /** What a stage sees of a scene. */
    record Scene(String colour, String shape, int count, String text, String size, String position) {

        static Scene of(Example e) {
            Map<String, String> a = e.attributes();
            String text = a.get("text");
            return new Scene(
                    a.get("colour"),
                    a.get("shape"),
                    Integer.parseInt(a.get("count")),
                    text == null || text.isBlank() ? null : text,
                    a.getOrDefault("size", "small"),
                    a.get("position"));
        }
    }

    /**
     * What ocr-paddle reads off shapes and backgrounds as if it were text: "+" and "++" off crosses, "★" and "古" were
     * seen on the evaluation scenes, the others are of the same kind. The {@code junk} lines of {@link StageErrors}.
     */
    static final List<String> JUNK = List.of("+", "++", "+ +", "*", "★", "☆", "口", "古", "-", "|", "#");

    /** The most distinct words remembered as wrong readings (random words would make the set grow without end). */
    static final int MAX_WORDS = 256;

    private final boolean caption;
    private final StageErrors errors;
    private final TreeSet<String> colours = new TreeSet<>();
    private final TreeSet<String> shapes = new TreeSet<>();
    private final TreeSet<Integer> counts = new TreeSet<>();
    private final TreeSet<String> words = new TreeSet<>();

    /**
     * @param caption whether descriptions carry a {@code caption:} field
     * @param errors how often each stage is wrong
     */
    SceneWriter(boolean caption, StageErrors errors) {
        this.caption = caption;
        this.errors = errors;
    }

    boolean caption() {
        return caption;
    }

    /** @return the description with every stage right (the answering model alone) */
    String clean(Example e, SplittableRandom random) {
        Scene s = Scene.of(e);
        observe(s);
        return SceneText.description(
                s.colour() + " " + s.shape(), number(s.count()), caption ? captionOf(s, random) : null, s.text());
    }

    /** @return the description with each stage's errors drawn at its rates (for training) */
    String noisy(Example e, SplittableRandom random) {
        Scene truth = Scene.of(e);
        observe(truth);
        String colour = maybe("tags", "colour", truth.colour(), colours, random);
        String shape = maybe("tags", "shape", truth.shape(), shapes, random);
        int count = maybeCount("count", truth.count(), random);
        String captionText = null;
        if (caption) {
            if (random.nextDouble() < errors.rate("caption", "missing")) {
                captionText = "";
            } else {
                captionText = captionOf(
                        new Scene(
                                maybe("caption", "colour", truth.colour(), colours, random),
                                maybe("caption", "shape", truth.shape(), shapes, random),
                                maybeCount("caption", truth.count(), random),
                                maybeWord("caption", truth.text(), random),
                                truth.size(),
                                truth.position()),
                        random);
            }
        }
        String text =
                random.nextDouble() < errors.rate("ocr", "missing") ? null : maybeWord("ocr", truth.text(), random);
        double junk = errors.rate("ocr", "junk");
        if (junk > 0 && random.nextDouble() < junk) {
            String line = JUNK.get(random.nextInt(JUNK.size()));
            // lines in reading order, joined as the pipeline's template joins OCR's lines
            text = text == null ? line : random.nextBoolean() ? line + ", " + text : text + ", " + line;
        }
        return SceneText.description(colour + " " + shape, number(count), captionText, text);
    }

    private void observe(Scene s) {
        colours.add(s.colour());
        shapes.add(s.shape());
        counts.add(s.count());
        if (s.text() != null && words.size() < MAX_WORDS) {
            words.add(s.text());
        }
    }

    private String maybe(String stage, String attribute, String right, TreeSet<String> seen, SplittableRandom random) {
        return random.nextDouble() >= errors.rate(stage, attribute) ? right : other(right, seen, random);
    }

    /** @return a value seen before other than {@code right}, or {@code right} when there is none */
    private static String other(String right, TreeSet<String> seen, SplittableRandom random) {
        List<String> others = new ArrayList<>(seen);
        others.remove(right);
        return others.isEmpty() ? right : others.get(random.nextInt(others.size()));
    }

    private int maybeCount(String stage, int right, SplittableRandom random) {
        if (random.nextDouble() >= errors.rate(stage, "count")) {
            return right;
        }
        List<Integer> others = new ArrayList<>(counts);
        others.remove(Integer.valueOf(right));
        return others.isEmpty() ? right : others.get(random.nextInt(others.size()));
    }

    /** A wrong reading of a word is another word or none (a stage that missed it); no word stays none. */
    private String maybeWord(String stage, String right, SplittableRandom random) {
        if (right == null || random.nextDouble() >= errors.rate(stage, "text")) {
            return right;
        }
        return random.nextBoolean() ? null : other(right, words, random);
    }

    private static String captionOf(Scene s, SplittableRandom random) {
        boolean single = s.count() == 1;
        List<String> forms = new ArrayList<>(single ? SINGLE : SEVERAL);
        if (s.text() != null) {
            forms.addAll(single ? SINGLE_TEXT : SEVERAL_TEXT);
        }
        String where = s.position() == null ? "" : WHERE.getOrDefault(s.position(), "");
        return forms.get(random.nextInt(forms.size()))
                .replace("{c}", s.colour())
                .replace("{s}", s.shape())
                .replace("{p}", plural(s.shape()))
                .replace("{n}", number(s.count()))
                .replace("{z}", s.size())
                .replace("{w}", where)
                .replace("{t}", s.text() == null ? "" : s.text());
    }

    /** English plural of a shape word: {@code cross} gives {@code crosses}, {@code circle} gives {@code circles}. */
    static String plural(String word) {
        return word.endsWith("s") || word.endsWith("x") || word.endsWith("ch") || word.endsWith("sh")
                ? word + "es"
                : word + "s";
    }

    private static String number(int count) {
        return SceneQuestions.NUMBERS.get(count);
    }
}
