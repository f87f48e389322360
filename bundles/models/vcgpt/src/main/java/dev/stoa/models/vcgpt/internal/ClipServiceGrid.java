package dev.stoa.models.vcgpt.internal;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import dev.stoa.api.data.Image;
import dev.stoa.api.runtime.ServiceCaller;
import java.util.List;
import java.util.Map;

/**
 * Reads a frozen CLIP's grid features from the CLIP bundle's {@code <clip>-image-tokens} service
 * ({@code {"image"} -> {"tokens", "shape"}}) through the platform's {@link ServiceCaller}, as ClipCap reaches its
 * CLIP: the bundles stay apart, the bus's timeouts and hot-swap waits apply, and an untrained CLIP answers with its
 * own status.
 */
final class ClipServiceGrid implements ImageGrid {

    /** A small black image: the probe call that learns N and C, and fails with CLIP's status when it cannot answer. */
    private static final Image PROBE = new Image(8, 8, new byte[8 * 8 * 3]);

    private final ServiceCaller caller;
    private final String service;
    private final int tokens;
    private final int width;

    /**
     * @param caller the platform's in-process caller
     * @param clipModel the CLIP's model id; the service is {@code <clipModel>-image-tokens}
     * @throws StoaException with the CLIP service's own code when it cannot answer
     */
    ClipServiceGrid(ServiceCaller caller, String clipModel) {
        this.caller = caller;
        this.service = clipModel + "-image-tokens";
        float[][] probe = features(PROBE);
        this.tokens = probe.length;
        this.width = probe[0].length;
    }

    @Override
    public int tokens() {
        return tokens;
    }

    @Override
    public int width() {
        return width;
    }

    @Override
    public float[][][] features(List<Image> images) {
        float[][][] out = new float[images.size()][][];
        for (int i = 0; i < out.length; i++) {
            out[i] = features(images.get(i));
            if (tokens > 0 && (out[i].length != tokens || out[i][0].length != width)) {
                throw new StoaException(
                        FailureCode.SHAPE_MISMATCH,
                        service + " answered " + out[i].length + " x " + out[i][0].length + " features where it"
                                + " answered " + tokens + " x " + width + " before; retrain VC-GPT on this CLIP");
            }
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private float[][] features(Image image) {
        Map<String, Object> answer;
        try {
            answer = caller.call(service, Map.of("image", image), Map.class);
        } catch (StoaException e) {
            throw new StoaException(
                    e.code(),
                    "VC-GPT reads the image's grid features from '" + service + "', which cannot answer: "
                            + e.getMessage(),
                    e);
        }
        List<? extends Number> shape = (List<? extends Number>) answer.get("shape");
        List<? extends Number> flat = (List<? extends Number>) answer.get("tokens");
        int n = shape.get(0).intValue();
        int c = shape.get(1).intValue();
        float[][] out = new float[n][c];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < c; j++) {
                out[i][j] = flat.get(i * c + j).floatValue();
            }
        }
        return out;
    }
}
