package dev.stoa.models.unclip.internal;

import dev.stoa.api.StoaException;
import dev.stoa.api.data.Embedding;
import dev.stoa.api.data.Image;
import dev.stoa.api.data.Text;
import dev.stoa.api.runtime.ServiceCaller;
import java.util.List;

/**
 * Embeds texts and images with the CLIP bundle's {@code <clip>-text} ({@code Text -> Embedding}) and {@code <clip>-image}
 * ({@code Image -> Embedding}) services through the platform's {@link ServiceCaller}, as the clipcap bundle's embedder
 * does: whichever CLIP version the model repository serves now answers, and the bundles stay apart. unCLIP keeps CLIP
 * frozen, so it needs nothing of CLIP but these calls. E is learnt from the first call (a probe when asked first).
 */
final class ClipServiceEmbedder implements ClipEmbedder {

    private final ServiceCaller caller;
    private final String clipModel;
    private volatile int dimension;

    /**
     * @param caller the platform's in-process caller
     * @param clipModel the CLIP model id, e.g. {@code clip-tiny}
     */
    ClipServiceEmbedder(ServiceCaller caller, String clipModel) {
        this.caller = caller;
        this.clipModel = clipModel;
    }

    @Override
    public int dimension() {
        if (dimension == 0) {
            dimension = text("a").length;
        }
        return dimension;
    }

    @Override
    public float[][] texts(List<String> texts) {
        float[][] out = new float[texts.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = text(texts.get(i));
        }
        return out;
    }

    @Override
    public float[][] images(List<Image> images) {
        float[][] out = new float[images.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = call(clipModel + "-image", images.get(i));
        }
        return out;
    }

    private float[] text(String text) {
        return call(clipModel + "-text", new Text(text));
    }

    private float[] call(String service, Object input) {
        try {
            float[] v = caller.call(service, input, Embedding.class).vector();
            dimension = v.length;
            return v;
        } catch (StoaException e) {
            throw new StoaException(
                    e.code(),
                    "unCLIP embeds texts and images with '" + service + "', which cannot answer: " + e.getMessage(),
                    e);
        }
    }
}
