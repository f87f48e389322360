package dev.stoa.models.clipcap.internal;

import dev.stoa.api.StoaException;
import dev.stoa.api.data.Embedding;
import dev.stoa.api.data.Image;
import dev.stoa.api.runtime.ServiceCaller;
import java.util.List;

/**
 * Embeds images with the CLIP bundle's {@code <clip>-image} service ({@code Image -> Embedding}) through the
 * platform's {@link ServiceCaller}, as any in-process caller does: the bus's timeouts, metrics and hot-swap waits
 * apply, and whichever CLIP version the model repository serves now answers. ClipCap keeps CLIP frozen, so it needs
 * nothing of CLIP but this call; the bundles stay apart.
 */
final class ClipServiceEmbedder implements ImageEmbedder {

    /** A small black image: the probe call that learns E, and fails with CLIP's own status when CLIP cannot answer. */
    private static final Image PROBE = new Image(8, 8, new byte[8 * 8 * 3]);

    private final ServiceCaller caller;
    private final String service;
    private final int dimension;

    /**
     * @param caller the platform's in-process caller
     * @param clipModel the CLIP model id, e.g. {@code clip-tiny}; the service is {@code clip-tiny-image}
     * @throws StoaException with the CLIP service's own code ({@code UNTRAINED} naming its training file while CLIP
     *     is untrained, {@code UNKNOWN_SERVICE} when no bundle serves it) and a message saying ClipCap needs it
     */
    ClipServiceEmbedder(ServiceCaller caller, String clipModel) {
        this.caller = caller;
        this.service = clipModel + "-image";
        this.dimension = embed(PROBE).length;
    }

    @Override
    public int dimension() {
        return dimension;
    }

    @Override
    public float[][] embed(List<Image> images) {
        float[][] out = new float[images.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = embed(images.get(i));
        }
        return out;
    }

    private float[] embed(Image image) {
        try {
            return caller.call(service, image, Embedding.class).vector();
        } catch (StoaException e) {
            throw new StoaException(
                    e.code(),
                    "ClipCap embeds images with '" + service + "', which cannot answer: " + e.getMessage(),
                    e);
        }
    }
}
