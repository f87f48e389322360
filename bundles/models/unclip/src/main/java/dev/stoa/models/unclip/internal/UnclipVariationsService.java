package dev.stoa.models.unclip.internal;

import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import dev.stoa.api.PieceSink;
import dev.stoa.api.StoaException;
import dev.stoa.api.data.Image;
import dev.stoa.nn.image.ImagePixels;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * {@code unclip-<v>-variations}: an image to new images of what CLIP sees in it (the paper's section 3.1). Request
 * {@code {"image": "<base64 PNG or JPEG>", "n": 4, "seed": 7, "guidance_scale": 3, "steps": 25, "size": 128}} (all but
 * {@code image} optional); the image's CLIP embedding ({@code <clip>-image}) goes to the decoder n times with different
 * noise. Answer {@code {"images": [{"image": "<base64 PNG>"}, ...], "seed", "guidance_scale", "steps", "model"}}.
 * Streamed, a piece {@code {"stage": "decoder", "step": i, "steps": n}} follows each DDIM step. Same seed, same images.
 */
final class UnclipVariationsService extends UnclipService {

    UnclipVariationsService(String modelId, Unclip model, ClipEmbedder clip, NDManager manager) {
        super(modelId, model, clip, manager);
    }

    @Override
    public Map<String, Object> stream(Map<String, Object> request, PieceSink sink) {
        if (request == null) {
            throw StoaException.badInput("image", "is missing; send {\"image\": \"<base64 PNG>\"}");
        }
        Object imageValue = request.get("image");
        if (imageValue instanceof Map<?, ?> wrapped) {
            imageValue = wrapped.get("image"); // {"image": {"image": "<base64>"}}, an Image as the platform writes it
        }
        if (!(imageValue instanceof String encoded) || encoded.isBlank()) {
            throw StoaException.badInput(
                    "image",
                    imageValue == null
                            ? "is missing; send {\"image\": \"<base64 PNG>\"}"
                            : "must be a base64 PNG or JPEG string");
        }
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(encoded.trim());
        } catch (IllegalArgumentException e) {
            throw StoaException.badInput("image", "is not base64 (" + e.getMessage() + "); send a base64 PNG or JPEG");
        }
        Image source = Image.decode(bytes);
        Common c = common(request);
        float[] z = clip().images(List.of(source))[0];
        List<Image> drawn;
        try (NDManager call = manager().newSubManager()) {
            drawn = sampler()
                    .decode(
                            new ParameterStore(call, false),
                            call,
                            Collections.nCopies(c.n(), z).toArray(float[][]::new),
                            new SplittableRandom(c.seed()),
                            (float) c.guidance(),
                            c.steps(),
                            progress(sink, "decoder"));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("images", ImagePixels.pngs(drawn, c.size()));
        out.put("seed", c.seed());
        out.put("guidance_scale", c.guidance());
        out.put("steps", c.steps());
        out.put("model", modelId());
        return out;
    }
}
