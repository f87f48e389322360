package dev.stoa.vqa.internal;

import dev.stoa.api.StoaException;
import dev.stoa.api.dataset.Dataset;
import dev.stoa.api.dataset.DatasetFactory;
import dev.stoa.api.dataset.Example;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The synthetic VQA evaluation set: held-out scenes of the {@code shapes} dataset's {@code test} split (never used
 * for training), drawn with one to three copies of a shape and, in about half of them, a word, and every question
 * each scene answers ({@link SceneQuestions}). Deterministic: the same seed, size and image size give the same
 * images, questions and answers.
 */
final class VqaEvalSet {

    /** The shapes options of the evaluation scenes: up to three copies, a word in half of them. */
    static Map<String, Object> datasetOptions(long seed, int imageSize) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("seed", seed);
        o.put("image_size", imageSize);
        o.put("max_count", 3);
        o.put("text_probability", 0.5);
        return o;
    }

    /** One question of the set. */
    record Item(String id, Example example, SceneQuestion question) {}

    private VqaEvalSet() {}

    /**
     * @param shapes the shapes dataset factory
     * @param n how many questions, 1 to 10000
     * @param seed the seed of the scenes and the wordings
     * @param imageSize image side in pixels, 16 to 512
     * @return the first {@code n} questions, scene by scene
     * @throws StoaException {@code BAD_INPUT} naming the field out of range
     */
    static List<Item> make(DatasetFactory shapes, int n, long seed, int imageSize) {
        if (n < 1 || n > 10_000) {
            throw StoaException.badInput("n", "is " + n + "; ask for 1 to 10000 questions");
        }
        if (imageSize < 16 || imageSize > 512) {
            throw StoaException.badInput("image_size", "is " + imageSize + "; use 16 to 512 pixels");
        }
        List<Item> out = new ArrayList<>();
        SplittableRandom random = new SplittableRandom(seed);
        try (Dataset d = shapes.open(datasetOptions(seed, imageSize))) {
            Dataset.Split test = d.split("test");
            for (int i = 0; i < test.size() && out.size() < n; i++) {
                Example e = test.get(i);
                for (SceneQuestion q : SceneQuestions.of(e, random)) {
                    if (out.size() < n) {
                        out.add(new Item(e.id() + "/" + q.type(), e, q));
                    }
                }
            }
        } catch (StoaException e) {
            throw e;
        } catch (Exception e) {
            throw new StoaException(dev.stoa.api.FailureCode.INTERNAL, "the shapes dataset failed: " + e, e);
        }
        return out;
    }

    /** @return an item as JSON: id, type, question, answer and the image as base64 PNG */
    static Map<String, Object> json(Item item) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", item.id());
        m.put("type", item.question().type());
        m.put("question", item.question().question());
        m.put("answer", item.question().answer());
        m.put("image", Base64.getEncoder().encodeToString(item.example().image().encodePng()));
        return m;
    }
}
