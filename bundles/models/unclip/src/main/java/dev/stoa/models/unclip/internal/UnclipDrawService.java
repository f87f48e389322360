package dev.stoa.models.unclip.internal;

import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import dev.stoa.api.PieceSink;
import dev.stoa.api.StoaException;
import dev.stoa.api.data.Image;
import dev.stoa.nn.image.ImagePixels;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * {@code unclip-<v>-draw}: text to images through CLIP's embedding space. Request {@code {"text": "a red circle", "n": 4,
 * "seed": 7, "guidance_scale": 3, "steps": 25, "size": 128, "prior_guidance_scale": 1, "prior_steps": 25}} (all but
 * {@code text} optional); the text's CLIP embedding ({@code <clip>-text}) goes through the prior (n image embeddings)
 * and the decoder (an image each). Answer {@code {"images": [{"image": "<base64 PNG>"}, ...], "text", "seed",
 * "guidance_scale", "steps", "prior_guidance_scale", "prior_steps", "model"}}. Streamed, a piece
 * {@code {"stage": "prior"|"decoder", "step": i, "steps": n}} follows each DDIM step of either stage.
 *
 * <p>The noise of both stages comes from {@code SplittableRandom(seed)} alone, so the same request gives the same
 * images (with the same CLIP version). Thread-safe: each call works in its own sub-manager over the shared weights.
 */
final class UnclipDrawService extends UnclipService {

    static final int MAX_TEXT = 200;

    UnclipDrawService(String modelId, Unclip model, ClipEmbedder clip, NDManager manager) {
        super(modelId, model, clip, manager);
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
        Common c = common(request);
        int priorSteps = (int) RequestFields.integer(
                request,
                "prior_steps",
                RequestFields.DEFAULT_STEPS,
                1,
                Math.min(RequestFields.MAX_STEPS, sampler().priorSteps()));
        double priorGuidance = RequestFields.number(
                request, "prior_guidance_scale", RequestFields.DEFAULT_PRIOR_GUIDANCE, 0, RequestFields.MAX_GUIDANCE);
        float[] y = clip().texts(List.of(text))[0];
        List<Image> drawn;
        try (NDManager call = manager().newSubManager()) {
            ParameterStore ps = new ParameterStore(call, false);
            SplittableRandom random = new SplittableRandom(c.seed());
            float[][] z = sampler()
                    .prior(
                            ps,
                            call,
                            Collections.nCopies(c.n(), y).toArray(float[][]::new),
                            random,
                            (float) priorGuidance,
                            priorSteps,
                            progress(sink, "prior"));
            drawn = sampler().decode(ps, call, z, random, (float) c.guidance(), c.steps(), progress(sink, "decoder"));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("images", ImagePixels.pngs(drawn, c.size()));
        out.put("text", text);
        out.put("seed", c.seed());
        out.put("guidance_scale", c.guidance());
        out.put("steps", c.steps());
        out.put("prior_guidance_scale", priorGuidance);
        out.put("prior_steps", priorSteps);
        out.put("model", modelId());
        return out;
    }
}
