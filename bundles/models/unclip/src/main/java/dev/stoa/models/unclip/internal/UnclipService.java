package dev.stoa.models.unclip.internal;

import ai.djl.ndarray.NDManager;
import dev.stoa.api.PieceSink;
import dev.stoa.api.StreamingService;
import dev.stoa.nn.diffusion.GaussianDiffusion;
import java.util.LinkedHashMap;
import java.util.Map;

/** What unCLIP's two services share: the model, CLIP, the fields {@code n, seed, guidance_scale, steps, size}. */
abstract class UnclipService implements StreamingService<Map<String, Object>, Map<String, Object>> {

    private final String modelId;
    private final Unclip model;
    private final ClipEmbedder clip;
    private final UnclipSampler sampler;
    private final NDManager manager;

    UnclipService(String modelId, Unclip model, ClipEmbedder clip, NDManager manager) {
        this.modelId = modelId;
        this.model = model;
        this.clip = clip;
        this.sampler = new UnclipSampler(model);
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

    String modelId() {
        return modelId;
    }

    UnclipConfig config() {
        return model.config();
    }

    ClipEmbedder clip() {
        return clip;
    }

    UnclipSampler sampler() {
        return sampler;
    }

    NDManager manager() {
        return manager;
    }

    /** The decoder's sampling fields of a request. */
    record Common(int n, long seed, int steps, double guidance, int size) {}

    Common common(Map<String, Object> request) {
        int n = (int) RequestFields.integer(request, "n", RequestFields.DEFAULT_N, 1, RequestFields.MAX_N);
        long seed = RequestFields.integer(request, "seed", 0, Long.MIN_VALUE, Long.MAX_VALUE);
        int steps = (int) RequestFields.integer(
                request,
                "steps",
                RequestFields.DEFAULT_STEPS,
                1,
                Math.min(RequestFields.MAX_STEPS, sampler.decoderSteps()));
        double guidance = RequestFields.number(
                request, "guidance_scale", RequestFields.DEFAULT_GUIDANCE, 0, RequestFields.MAX_GUIDANCE);
        int size = (int) RequestFields.integer(request, "size", model.config().imageSize(), 8, RequestFields.MAX_SIZE);
        return new Common(n, seed, steps, guidance, size);
    }

    static GaussianDiffusion.StepListener progress(PieceSink sink, String stage) {
        return (done, total) -> {
            Map<String, Object> piece = new LinkedHashMap<>();
            piece.put("stage", stage);
            piece.put("step", done);
            piece.put("steps", total);
            sink.accept(piece);
        };
    }
}
