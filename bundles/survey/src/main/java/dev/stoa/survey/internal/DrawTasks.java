package dev.stoa.survey.internal;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import dev.stoa.api.data.Image;
import dev.stoa.api.dataset.Dataset;
import dev.stoa.api.dataset.DatasetFactory;
import dev.stoa.api.dataset.Example;
import dev.stoa.nn.eval.ShapeJudge;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;

/**
 * Drawing cells (DALL-E's, GLIDE's and unCLIP's rows, issue 17): a text-to-image service
 * ({@code {"text", "n", "seed", ...} -> {"images": [{"image": "<base64 PNG>"}, ...]}}) draws one picture for
 * {@code "a <colour> <shape>"} of each held-out example, and two judges say whether it shows that colour and shape:
 *
 * <ul>
 *   <li>{@code draw}: the platform's {@link ShapeJudge}, which learns nothing (the dominant hue of the coloured
 *       pixels, and the largest blob's solidity, hull fill, corners and depth);
 *   <li>{@code draw_clip}: the platform's CLIP, zero-shot over the 30 labels {@code "<colour> <shape>"}
 *       ({@code clip-tiny-zero-shot} unless the rows file's {@code drawn.clip} names another).
 * </ul>
 *
 * The prompts are the first n examples of split {@code test} (colour+shape pairs seen in training, other pictures)
 * and, apart, of split {@code test-unseen} (the pairs no training split has); prompt k (counted over both splits) is
 * drawn with seed {@code 10000 · seed + k}, so the same benchmark seed asks every row the same prompts with the same
 * seeds. Each measure is per split: {@code <split>} (colour and shape right), {@code <split>/colour},
 * {@code <split>/shape}. The first answered image is judged; an answer without images, or whose image is not a
 * picture, counts as wrong and as a failed call. {@link #real} puts the same judges to the dataset's own pictures of
 * the same prompts: how far each judge is to be believed.
 */
final class DrawTasks {

    /** The CLIP judge when the rows file names none. */
    static final String DEFAULT_CLIP = "clip-tiny-zero-shot";

    /** The prompts' splits: the pairs trained on (other pictures), then the pairs never trained on. */
    static final List<String> SPLITS = List.of("test", "test-unseen");

    /** The request fields the benchmark sets itself: a row's {@code draw_request} may not. */
    static final List<String> OWN_FIELDS = List.of("text", "seed");

    /**
     * One prompt.
     *
     * @param split the held-out split its example is from
     * @param colour the colour word
     * @param shape the shape word
     * @param seed the seed of its drawing
     * @param image the example's own picture, base64 PNG (the judges' check)
     */
    record Prompt(String split, String colour, String shape, long seed, String image) {

        /** @return {@code "a <colour> <shape>"} */
        String text() {
            return "a " + colour + " " + shape;
        }
    }

    /**
     * The two judges' cells of one row (or of the real pictures).
     *
     * @param shapeJudge the {@code draw} cell
     * @param clip the {@code draw_clip} cell
     */
    record Judged(Cell shapeJudge, Cell clip) {}

    private DrawTasks() {}

    /**
     * @param shapes the shapes dataset
     * @param options the rows file's {@code drawn} mapping: {@code clip} (the judge's service) and shapes options
     *     over the dataset's defaults (one shape, no word, 32 px, white)
     * @param seed the benchmark's seed (the dataset's, and the drawings')
     * @param n prompts per split
     * @return the first n examples of each of {@link #SPLITS}, in that order
     * @throws StoaException {@code BAD_CONFIG} for more than one shape per picture or an option the dataset refuses
     */
    static List<Prompt> prompts(DatasetFactory shapes, Map<String, Object> options, long seed, int n) {
        Map<String, Object> o = new LinkedHashMap<>(options);
        o.remove("clip");
        if (o.containsKey("max_count") && !String.valueOf(o.get("max_count")).equals("1")) {
            throw new StoaException(
                    FailureCode.BAD_CONFIG,
                    "drawn.max_count is " + o.get("max_count") + "; a prompt names one shape, so remove it or use 1");
        }
        o.put("seed", seed);
        List<Prompt> out = new ArrayList<>();
        try (Dataset d = shapes.open(o)) {
            for (String split : SPLITS) {
                Dataset.Split data = d.split(split);
                for (int i = 0; i < Math.min(n, data.size()); i++) {
                    Example e = data.get(i);
                    out.add(new Prompt(
                            split,
                            e.attributes().get("colour"),
                            e.attributes().get("shape"),
                            10_000L * seed + out.size(),
                            Base64.getEncoder().encodeToString(e.image().encodePng())));
                }
            }
        } catch (StoaException e) {
            throw e;
        } catch (Exception e) {
            throw new StoaException(FailureCode.INTERNAL, "the shapes dataset failed: " + e, e);
        }
        return out;
    }

    /** @return the CLIP judge's service: {@code drawn.clip}, or {@link #DEFAULT_CLIP} */
    static String clip(Map<String, Object> options) {
        Object c = options.get("clip");
        return c == null ? DEFAULT_CLIP : String.valueOf(c).strip();
    }

    /**
     * Draws every prompt once and judges the first image of each answer.
     *
     * @param service the text-to-image service
     * @param fields the row's extra request fields ({@code draw_request}, e.g. {@code guidance_scale: 3})
     * @param clip the CLIP judge's zero-shot service
     */
    static Judged draw(
            Calls calls,
            ExecutorService pool,
            String service,
            Map<String, Object> fields,
            String clip,
            List<Prompt> prompts)
            throws InterruptedException {
        List<JsonObject> requests = new ArrayList<>();
        for (Prompt p : prompts) {
            JsonObject r = new JsonObject().put("n", 1);
            fields.forEach(r::put);
            requests.add(r.put("text", p.text()).put("seed", p.seed()));
        }
        List<Calls.Answer> answers = Calls.all(calls, pool, service, requests);
        List<String> images = new ArrayList<>();
        for (int i = 0; i < answers.size(); i++) {
            Calls.Answer a = answers.get(i);
            String image = null;
            if (a.ok()) {
                image = firstImage(a.json());
                if (image == null) {
                    answers.set(i, notAPicture(service, a.json()));
                }
            }
            images.add(image);
        }
        return judge(calls, pool, clip, prompts, images, answers);
    }

    /** @return the judges on the dataset's own pictures of the prompts */
    static Judged real(Calls calls, ExecutorService pool, String clip, List<Prompt> prompts)
            throws InterruptedException {
        List<String> images = prompts.stream().map(Prompt::image).toList();
        List<Calls.Answer> answers = new ArrayList<>();
        prompts.forEach(p -> answers.add(new Calls.Answer(new JsonObject(), null)));
        return judge(calls, pool, clip, prompts, images, answers);
    }

    /**
     * @param images each prompt's picture, base64 PNG, or null where its drawing failed (counted wrong)
     * @param drawn each prompt's drawing call
     */
    private static Judged judge(
            Calls calls,
            ExecutorService pool,
            String clip,
            List<Prompt> prompts,
            List<String> images,
            List<Calls.Answer> drawn)
            throws InterruptedException {
        JsonArray labels = new JsonArray();
        for (String c : SceneWords.COLOURS) {
            for (String s : SceneWords.SHAPES) {
                labels.add(c + " " + s);
            }
        }
        List<Calls.Answer> answered = new ArrayList<>(drawn);
        Image[] pictures = new Image[images.size()];
        for (int i = 0; i < images.size(); i++) {
            if (images.get(i) != null && answered.get(i).ok()) {
                try {
                    pictures[i] = Image.decode(Base64.getDecoder().decode(images.get(i)));
                } catch (RuntimeException e) { // not base64, not a picture: wrong, and neither judge is asked
                    answered.set(
                            i,
                            new Calls.Answer(
                                    null,
                                    new StoaException(
                                            FailureCode.BAD_INPUT,
                                            "the answered image is not a picture: " + e.getMessage())));
                }
            }
        }
        List<Integer> asked = new ArrayList<>();
        List<JsonObject> requests = new ArrayList<>();
        for (int i = 0; i < images.size(); i++) {
            if (pictures[i] != null) {
                asked.add(i);
                requests.add(new JsonObject().put("image", images.get(i)).put("labels", labels));
            }
        }
        List<Calls.Answer> clipAnswers = Calls.all(calls, pool, clip, requests);
        Calls.Answer[] byPrompt = new Calls.Answer[images.size()];
        for (int k = 0; k < asked.size(); k++) {
            byPrompt[asked.get(k)] = clipAnswers.get(k);
        }
        Map<String, int[]> pixel = counts();
        Map<String, int[]> learnt = counts();
        int failed = 0;
        int clipFailed = 0;
        String failure = null;
        String clipFailure = null;
        for (int i = 0; i < prompts.size(); i++) {
            Prompt p = prompts.get(i);
            String[] read = {null, null};
            if (!answered.get(i).ok()) {
                failed++;
                failure = failure == null ? message(answered.get(i).failure()) : failure;
            } else {
                ShapeJudge.Verdict v = ShapeJudge.judge(pictures[i]);
                read = new String[] {v.colour(), v.shape()};
            }
            add(pixel, p, read);
            String[] said = {null, null};
            Calls.Answer c = byPrompt[i];
            if (c != null && c.ok() && c.json().getValue("label") instanceof String label) {
                String[] words = label.strip().split("\\s+");
                said = words.length == 2 ? words : said;
            } else if (c != null) {
                clipFailed++;
                String why =
                        c.ok() ? "BAD_INPUT: answered without a 'label': " + shorten(c.json()) : message(c.failure());
                clipFailure = clipFailure == null ? judgeFailure(clip, why) : clipFailure;
            }
            add(learnt, p, said);
        }
        // the CLIP judge fails where the drawing failed too, and where it could not judge a drawn picture
        return new Judged(
                cell(pixel, prompts.size(), failed, failure),
                cell(learnt, prompts.size(), failed + clipFailed, failure == null ? clipFailure : failure));
    }

    /** @return the first answered image, base64, or null when the answer has none */
    static String firstImage(JsonObject answer) {
        if (!(answer.getValue("images") instanceof JsonArray images) || images.isEmpty()) {
            return null;
        }
        Object first = images.getValue(0);
        if (first instanceof JsonObject o && o.getValue("image") instanceof String s && !s.isBlank()) {
            return s;
        }
        return first instanceof String s && !s.isBlank() ? s : null;
    }

    private static Calls.Answer notAPicture(String service, JsonObject answer) {
        return new Calls.Answer(
                null,
                new StoaException(
                        FailureCode.BAD_INPUT,
                        service + " answered without 'images': [{\"image\": ...}]: " + shorten(answer)));
    }

    private static String judgeFailure(String clip, String why) {
        int colon = why.indexOf(": ");
        // keeps the code first, so the table's "not trained" / "absent" reads it
        return colon < 0 ? why : why.substring(0, colon) + ": the judge " + clip + ": " + why.substring(colon + 2);
    }

    private static String message(StoaException e) {
        return e.code() + ": " + e.getMessage();
    }

    private static String shorten(JsonObject answer) {
        String shown = answer.encode();
        return shown.length() > 120 ? shown.substring(0, 120) + "..." : shown;
    }

    private static Map<String, int[]> counts() {
        Map<String, int[]> counts = new LinkedHashMap<>();
        for (String split : SPLITS) {
            counts.put(split, new int[2]);
        }
        for (String split : SPLITS) {
            counts.put(split + "/colour", new int[2]);
            counts.put(split + "/shape", new int[2]);
        }
        return counts;
    }

    private static void add(Map<String, int[]> counts, Prompt p, String[] read) {
        boolean colour = p.colour().equals(read[0]);
        boolean shape = p.shape().equals(read[1]);
        count(counts.get(p.split()), colour && shape);
        count(counts.get(p.split() + "/colour"), colour);
        count(counts.get(p.split() + "/shape"), shape);
    }

    private static void count(int[] c, boolean right) {
        c[0] += right ? 1 : 0;
        c[1]++;
    }

    private static Cell cell(Map<String, int[]> counts, int n, int failed, String failure) {
        Map<String, Double> measures = new LinkedHashMap<>();
        counts.forEach((k, c) -> {
            if (c[1] > 0) {
                measures.put(k, (double) c[0] / c[1]);
            }
        });
        return new Cell(measures, n, failed, failure);
    }
}
