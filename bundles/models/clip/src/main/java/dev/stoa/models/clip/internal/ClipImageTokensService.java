package dev.stoa.models.clip.internal;

import dev.stoa.api.MapService;
import dev.stoa.nn.eval.ZeroShotRequests;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The image tower's token (grid) features, {@code stoa.id=clip-<variant>-image-tokens}, for models that cross-attend
 * to a frozen CLIP's image (VC-GPT): request {@code {"image": "<base64 PNG/JPEG>"}} (or an {@code Image} in
 * process); answer {@code {"tokens": [...], "shape": [N', D], "model": "clip-tiny", "trained": true}}, the features
 * flat and row-major, the class token's row first, then one row per patch (a ViT tower: {@code LN_post} of each
 * token, the same D as the pooled vector before CLIP's projection). A tower that gives none (ResNet), or a version
 * served on its exported ONNX towers, answers {@code UNAVAILABLE}.
 */
final class ClipImageTokensService implements MapService {

    private final ClipEncoders clip;

    /** @param clip the model */
    ClipImageTokensService(ClipEncoders clip) {
        this.clip = clip;
    }

    @Override
    public Map<String, Object> call(Map<String, Object> request) {
        float[][] tokens = clip.imageTokens(List.of(ZeroShotRequests.image(request)))[0];
        List<Float> flat = new ArrayList<>(tokens.length * tokens[0].length);
        for (float[] row : tokens) {
            for (float v : row) {
                flat.add(v);
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("tokens", flat);
        out.put("shape", List.of(tokens.length, tokens[0].length));
        out.put("model", clip.variant().id());
        out.put("trained", clip.trained());
        return out;
    }
}
