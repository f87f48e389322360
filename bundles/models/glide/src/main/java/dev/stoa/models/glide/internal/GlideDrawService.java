package dev.stoa.models.glide.internal;

import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import dev.stoa.api.PieceSink;
import dev.stoa.api.StoaException;
import dev.stoa.api.StreamingService;
import dev.stoa.api.data.Image;
import dev.stoa.api.service.RequestFields;
import dev.stoa.nn.image.ImagePixels;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * {@code glide-<v>-draw}: text to images. Request {@code {"text": "a red circle", "n": 4, "seed": 7,
 * "guidance_scale": 3, "steps": 25, "size": 128}} (all but {@code text} optional: n 4, seed 0, guidance_scale 3, steps
 * 25, size the model's own); answer {@code {"images": [{"image": "<base64 PNG>"}, ...], "text", "seed",
 * "guidance_scale", "steps", "model"}}. Streamed, a piece {@code {"step": i, "steps": n}} follows each DDIM step.
 *
 * <p>The noise comes from {@code SplittableRandom(seed)} alone, so the same request gives the same images, also while
 * other calls run. Thread-safe: each call works in its own sub-manager over the shared weights.
 */
final class GlideDrawService implements StreamingService<Map<String, Object>, Map<String, Object>>, AutoCloseable {

    static final int MAX_N = 16;
    static final int MAX_STEPS = 250;
    static final double MAX_GUIDANCE = 20;
    static final int MAX_TEXT = 200;
    static final int MAX_SIZE = 512;

    static final int DEFAULT_N = 4;
    static final int DEFAULT_STEPS = 25;
    static final double DEFAULT_GUIDANCE = 3;

    private final String modelId;
    private final Glide model;
    private final GlideSampler sampler;
    private final NDManager manager;

    GlideDrawService(String modelId, Glide model, NDManager manager) {
        this.modelId = modelId;
        this.model = model;
        this.sampler = new GlideSampler(model);
        this.manager = manager;
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public Class<Map<String, Object>> inputType() {
        return (Class) Map.class;
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public Class<Map<String, Object>> outputType() {
        return (Class) Map.class;
    }

    GlideConfig config() {
        return model.config();
    }

    @Override
    public Map<String, Object> stream(Map<String, Object> request, PieceSink sink) {
        if (request == null) {
            throw StoaException.badInput("text", "is missing; send {\"text\": \"a red circle\"}");
        }
        Object textValue = request.get("text");
        if (!(textValue instanceof String text) || text.isBlank()) {
            throw StoaException.badInput(
                    "text",
                    textValue == null ? "is missing; send {\"text\": \"a red circle\"}" : "must be a non-empty string");
        }
        if (text.length() > MAX_TEXT) {
            throw StoaException.badInput("text", "has " + text.length() + " characters; send at most " + MAX_TEXT);
        }
        int n = (int) RequestFields.integer(request, "n", DEFAULT_N, 1, MAX_N);
        long seed = RequestFields.integer(request, "seed", 0, Long.MIN_VALUE, Long.MAX_VALUE);
        int maxSteps = Math.min(MAX_STEPS, sampler.diffusionSteps());
        int steps = (int) RequestFields.integer(request, "steps", DEFAULT_STEPS, 1, maxSteps);
        double guidance = RequestFields.number(request, "guidance_scale", DEFAULT_GUIDANCE, 0, MAX_GUIDANCE);
        int size = (int) RequestFields.integer(request, "size", model.config().imageSize(), 8, MAX_SIZE);

        List<Image> drawn;
        try (NDManager call = manager.newSubManager()) {
            drawn = sampler.draw(
                    new ParameterStore(call, false),
                    call,
                    Collections.nCopies(n, text),
                    new SplittableRandom(seed),
                    (float) guidance,
                    steps,
                    (done, total) -> {
                        Map<String, Object> piece = new LinkedHashMap<>();
                        piece.put("step", done);
                        piece.put("steps", total);
                        sink.accept(piece);
                    });
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("images", ImagePixels.pngs(drawn, size));
        out.put("text", text);
        out.put("seed", seed);
        out.put("guidance_scale", guidance);
        out.put("steps", steps);
        out.put("model", modelId);
        return out;
    }

    @Override
    public void close() {
        manager.close();
    }
}
