package dev.stoa.models.clip.internal;

import dev.stoa.api.MapService;
import dev.stoa.api.StoaException;
import dev.stoa.api.data.Image;
import dev.stoa.nn.eval.ZeroShotRequests;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Ranks images by how well they match a text, {@code stoa.id=clip-<variant>-rerank}: DALL-E's use of CLIP, which
 * draws many samples and keeps the ones CLIP scores highest, and the middle stage of a draw-then-check pipeline.
 * Request {@code {"text": "a red circle", "images": [{"image": "<base64 PNG>"}, ...], "top": 1}} (an item may also be
 * the base64 string itself, as a generator's {@code images} list or a pipeline's {@code map} gives it); answer
 * {@code {"items": [{"index": 2, "score": 0.31, "image": "<base64>"}, ...], "best": {...}, "model": "clip-tiny",
 * "trained": true}}: the cosine of each image's and the text's embedding, highest first, the first {@code top}
 * (default all), each with its index in the request and its image as sent, so the next stage can use the winner.
 */
final class ClipRerankService implements MapService {

    /** The most images one call ranks: each is a row of the image tower's batch. */
    static final int MAX_IMAGES = 64;

    private final ClipEncoders clip;

    /** @param clip the model */
    ClipRerankService(ClipEncoders clip) {
        this.clip = clip;
    }

    @Override
    public Map<String, Object> call(Map<String, Object> request) {
        Object text = request.get("text");
        if (!(text instanceof String t) || t.isBlank()) {
            throw StoaException.badInput(
                    "text", text == null ? "is missing; send the text to rank the images by" : "must be a string");
        }
        List<Object> sent = new ArrayList<>();
        List<Image> images = images(request.get("images"), sent);
        int top = top(request.get("top"), images.size());
        float[][] imageEmbeddings = clip.imageEmbeddings(images);
        float[] textEmbedding = clip.textEmbeddings(List.of(t))[0];
        List<Map<String, Object>> items = new ArrayList<>();
        for (int i = 0; i < images.size(); i++) {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("index", i);
            item.put("score", cosine(imageEmbeddings[i], textEmbedding));
            item.put("image", sent.get(i));
            items.add(item);
        }
        // stable: equal scores keep the request's order
        items.sort(Comparator.comparingDouble(item -> -(double) item.get("score")));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("items", List.copyOf(items.subList(0, top)));
        out.put("best", items.get(0));
        out.put("model", clip.variant().id());
        out.put("trained", clip.trained());
        return out;
    }

    private static List<Image> images(Object value, List<Object> sent) {
        if (!(value instanceof Iterable<?> list)) {
            throw StoaException.badInput(
                    "images",
                    value == null
                            ? "is missing; send an array of images, each {\"image\": \"<base64 PNG or JPEG>\"}"
                            : "must be an array of images, each {\"image\": \"<base64 PNG or JPEG>\"}");
        }
        List<Image> out = new ArrayList<>();
        for (Object item : list) {
            String field = "images[" + out.size() + "]";
            if (out.size() == MAX_IMAGES) {
                throw StoaException.badInput("images", "has more than " + MAX_IMAGES + "; send at most " + MAX_IMAGES);
            }
            Object image = item instanceof String || item instanceof Image ? item : field(item, "image");
            if (!(image instanceof String) && !(image instanceof Image)) {
                throw StoaException.badInput(
                        field, "must be {\"image\": \"<base64 PNG or JPEG>\"} or the base64 string, not " + item);
            }
            try {
                out.add(MapService.image(Map.of("image", image), ZeroShotRequests.MAX_IMAGE_PIXELS));
            } catch (StoaException e) {
                throw StoaException.badInput(field, "is not an image: " + e.getMessage());
            }
            sent.add(image instanceof Image decoded ? decoded : image);
        }
        if (out.isEmpty()) {
            throw StoaException.badInput("images", "is empty; send at least one image");
        }
        return out;
    }

    /**
     * A JSON object's field: a nested object arrives as a {@code Map} in process, or as Vert.x's {@code JsonObject}
     * (iterable over its entries) from the bus's JSON; read either, without depending on Vert.x.
     */
    private static Object field(Object object, String name) {
        if (object instanceof Map<?, ?> m) {
            return m.get(name);
        }
        if (object instanceof Iterable<?> entries) {
            for (Object e : entries) {
                if (e instanceof Map.Entry<?, ?> entry && name.equals(entry.getKey())) {
                    return entry.getValue();
                }
            }
        }
        return null;
    }

    private static int top(Object value, int n) {
        if (value == null) {
            return n;
        }
        if (!(value instanceof Number number)
                || number.doubleValue() != Math.rint(number.doubleValue())
                || number.intValue() < 1) {
            throw StoaException.badInput("top", "must be a whole number of at least 1, not " + value);
        }
        return Math.min(n, number.intValue());
    }

    private static double cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return dot / Math.max(1e-12, Math.sqrt(na * nb));
    }
}
