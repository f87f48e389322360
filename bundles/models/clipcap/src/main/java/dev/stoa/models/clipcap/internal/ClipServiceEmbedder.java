package dev.stoa.models.clipcap.internal;

import dev.stoa.api.FailureCode;
import dev.stoa.api.ServiceProperties;
import dev.stoa.api.StoaException;
import dev.stoa.api.StoaService;
import dev.stoa.api.data.Embedding;
import dev.stoa.api.data.Image;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;

/**
 * Embeds images with the CLIP bundle's {@code <clip>-image} service ({@code Image -> Embedding}), trained weights
 * only. ClipCap keeps CLIP frozen, so it needs nothing of CLIP but this call: the bundles stay apart, and the CLIP
 * bundle keeps owning how its models load and reload. The service is looked up on every call, so a newer CLIP store
 * version that the CLIP bundle has swapped in is used at once.
 */
final class ClipServiceEmbedder implements ImageEmbedder {

    private final BundleContext context;
    private final String clipModel;
    private final int dimension;

    /**
     * @param context a bundle context to look the service up with
     * @param clipModel the CLIP model id, e.g. {@code clip-tiny}; the service is {@code clip-tiny-image}
     * @throws StoaException {@code UNAVAILABLE} if no trained {@code <clip>-image} service is registered
     */
    ClipServiceEmbedder(BundleContext context, String clipModel) {
        this.context = context;
        this.clipModel = clipModel;
        Object d = reference().getProperty("embedding.dimension");
        this.dimension = d instanceof Number n ? n.intValue() : Integer.parseInt(String.valueOf(d));
    }

    /** @return the CLIP store version the embeddings come from now (0 when the service does not say) */
    int clipVersion() {
        Object v = reference().getProperty("clip.store.version");
        return v instanceof Number n ? n.intValue() : 0;
    }

    @Override
    public int dimension() {
        return dimension;
    }

    @Override
    @SuppressWarnings("unchecked")
    public float[][] embed(List<Image> images) {
        ServiceReference<StoaService> ref = reference();
        StoaService<Image, Embedding> service = context.getService(ref);
        if (service == null) {
            throw unavailable("went away");
        }
        try {
            float[][] out = new float[images.size()][];
            for (int i = 0; i < out.length; i++) {
                out[i] = service.call(images.get(i)).vector();
            }
            return out;
        } finally {
            context.ungetService(ref);
        }
    }

    private ServiceReference<StoaService> reference() {
        String filter = "(&(" + ServiceProperties.ID + "=" + clipModel + "-image)(clip.trained=true))";
        Collection<ServiceReference<StoaService>> refs;
        try {
            refs = context.getServiceReferences(StoaService.class, filter);
        } catch (InvalidSyntaxException e) {
            throw new StoaException(FailureCode.BAD_CONFIG, "clip_model '" + clipModel + "' is not a model id; use"
                    + " e.g. clip-tiny");
        }
        return refs.stream().max(Comparator.comparingInt(r -> r.getProperty("clip.store.version")
                instanceof Number n ? n.intValue() : 0)).orElseThrow(() -> unavailable("is not registered"));
    }

    private StoaException unavailable(String what) {
        return new StoaException(FailureCode.UNAVAILABLE, "the trained CLIP image encoder '" + clipModel
                + "-image' " + what + "; ClipCap embeds images with it. Train CLIP first (bin/stoa train"
                + " etc/train/clip-shapes.yaml) and wait until the clip bundle serves it");
    }
}
