package dev.stoa.models.dalle.internal;

import dev.stoa.api.MapService;
import dev.stoa.api.PieceSink;
import dev.stoa.api.StoaException;
import dev.stoa.api.StreamingService;
import dev.stoa.api.data.Image;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code dalle-<v>-draw}: text to images, as the paper serves DALL-E: N samples of the image tokens given the caption,
 * decoded by the dVAE, reranked by a CLIP, the best kept.
 *
 * <p>Request {@code {"text": "a red circle", "n": 8, "seed": 7, "temperature": 1.0, "top_k": 0, "rerank": true,
 * "clip": "clip-tiny", "keep": 1}} (only {@code text} required). Answer {@code {"images": [{"image": "<base64 PNG>",
 * "index": 3, "score": 0.31}, ...], "text", "seed", "n", "reranked_by": "clip-tiny", "model": "dalle-tiny"}}: with
 * {@code rerank} the {@code keep} best by CLIP's score, highest first; without it all n samples in order, no score.
 * The same seed gives the same images (sample i draws from the i-th generator split from the seed's). Streamed, it
 * sends a piece {@code {"step": k, "steps": N}} after each image token drawn (all n samples advance together).
 */
final class DalleDrawService implements MapService, StreamingService<Map<String, Object>, Map<String, Object>> {

    static final int MAX_SAMPLES = 64;
    static final double MIN_TEMPERATURE = 0.05;
    static final double MAX_TEMPERATURE = 5;
    static final String DEFAULT_CLIP = "clip-tiny";

    private final DalleInference model;
    private final ClipReranker reranker;

    DalleDrawService(DalleInference model, ClipReranker reranker) {
        this.model = model;
        this.reranker = reranker;
    }

    @Override
    public Map<String, Object> call(Map<String, Object> request) {
        return stream(request, PieceSink.NONE);
    }

    @Override
    public Map<String, Object> stream(Map<String, Object> request, PieceSink sink) {
        RequestFields f = new RequestFields(request);
        Object t = f.raw("text");
        if (!(t instanceof String text) || text.isBlank()) {
            throw StoaException.badInput(
                    "text",
                    t == null
                            ? "is missing; send the caption to draw, e.g. \"a red circle\""
                            : "must be a non-empty string");
        }
        int bytes = text.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > model.maxTextBytes()) {
            throw StoaException.badInput(
                    "text", "has " + bytes + " bytes; this model reads at most " + model.maxTextBytes());
        }
        int n = (int) f.whole("n", 8, 1, MAX_SAMPLES);
        long seed = f.whole("seed", 0, Long.MIN_VALUE, Long.MAX_VALUE);
        double temperature = f.number("temperature", 1.0, MIN_TEMPERATURE, MAX_TEMPERATURE);
        int topK = (int) f.whole("top_k", 0, 0, model.dvaeConfig().codebook());
        boolean rerank = f.flag("rerank", true);
        String clip = f.text("clip", DEFAULT_CLIP);
        int keep = (int) f.whole("keep", 1, 1, n);
        int steps = model.dvaeConfig().tokens();
        List<Image> images = model.draw(text, n, seed, temperature, topK, step -> {
            Map<String, Object> piece = new LinkedHashMap<>();
            piece.put("step", step);
            piece.put("steps", steps);
            sink.accept(piece);
        });
        List<Map<String, Object>> out = new ArrayList<>();
        if (rerank) {
            for (ClipReranker.Ranked r : reranker.rank(clip, text, images, keep)) {
                out.add(item(images.get(r.index()), r.index(), r.score()));
            }
        } else {
            for (int i = 0; i < images.size(); i++) {
                out.add(item(images.get(i), i, null));
            }
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("images", out);
        answer.put("text", text);
        answer.put("seed", seed);
        answer.put("n", n);
        answer.put("temperature", temperature);
        answer.put("top_k", topK);
        answer.put("reranked_by", rerank ? clip : null);
        answer.put("model", model.modelId());
        return answer;
    }

    private static Map<String, Object> item(Image image, int index, Double score) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("image", Base64.getEncoder().encodeToString(image.encodePng()));
        m.put("index", index);
        if (score != null) {
            m.put("score", score);
        }
        return m;
    }
}
