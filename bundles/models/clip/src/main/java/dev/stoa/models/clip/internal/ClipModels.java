package dev.stoa.models.clip.internal;

import dev.stoa.api.ServiceProperties;
import dev.stoa.api.StoaService;
import dev.stoa.api.service.TextEncoder;
import dev.stoa.djl.DjlRuntime;
import dev.stoa.nn.encoder.EncoderFactory;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds every CLIP variant of this bundle ({@code variants/*.properties}; adding a variant is adding a file) from
 * the encoder services it names, and registers four services per variant {@code <v>}:
 *
 * <table>
 *   <caption>services per variant</caption>
 *   <tr><th>{@code stoa.id}</th><th>kind</th><th>call</th></tr>
 *   <tr><td>{@code clip-<v>-image}</td><td>encoder</td><td>Image -> Embedding (E, L2-normalised)</td></tr>
 *   <tr><td>{@code clip-<v>-text}</td><td>encoder</td><td>Text -> Embedding, a {@link TextEncoder}</td></tr>
 *   <tr><td>{@code clip-<v>-zero-shot}</td><td>model</td><td>{image, labels, templates?} -> {label, scores}</td></tr>
 *   <tr><td>{@code clip-<v>-similarity}</td><td>model</td><td>{image, texts} -> {similarities}</td></tr>
 * </table>
 *
 * <p>Weights load from {@code ${stoa.home}/data/models/clip-<v>/clip.params} when present; otherwise the variant
 * serves random weights, and its services carry {@code clip.trained=false} (and answers {@code "trained": false}):
 * training arrives with the trainer. A variant whose encoders are not installed, or whose file is wrong, is logged
 * and skipped; the others still serve. The component restarts (static, greedy reference) when encoders come or go.
 */
@Component(immediate = true)
public final class ClipModels {

    private static final Logger LOG = LoggerFactory.getLogger(ClipModels.class);
    private static final String ENGINE = "PyTorch";

    private final BundleContext context;
    private final List<ServiceReference<EncoderFactory>> encoderReferences;
    private final List<ClipInference> models = new ArrayList<>();
    private final List<ServiceRegistration<?>> registrations = new ArrayList<>();

    /**
     * @param context this bundle's context, for its variant files and the registrations
     * @param djl DJL with PyTorch loaded (the blocks run on it)
     * @param encoders the encoder factories, keyed by their {@code stoa.id}
     * @throws Exception if DJL cannot run the set-up
     */
    @Activate
    public ClipModels(BundleContext context, @Reference(target = "(djl.engines=" + ENGINE + ")") DjlRuntime djl,
            @Reference(service = EncoderFactory.class, cardinality = ReferenceCardinality.AT_LEAST_ONE,
                    policyOption = ReferencePolicyOption.GREEDY)
            List<ServiceReference<EncoderFactory>> encoders) throws Exception {
        this.context = context;
        this.encoderReferences = encoders;
        Map<String, EncoderFactory> byId = new HashMap<>();
        for (ServiceReference<EncoderFactory> ref : encoders) {
            Object id = ref.getProperty(ServiceProperties.ID);
            EncoderFactory factory = context.getService(ref);
            if (id != null && factory != null) {
                byId.putIfAbsent(id.toString(), factory);
            }
        }
        String home = context.getProperty("stoa.home");
        Path models = Path.of(home == null ? "." : home, "data", "models");
        for (ClipVariant variant : variants()) {
            if (!byId.containsKey(variant.imageEncoder()) || !byId.containsKey(variant.textEncoder())) {
                // the component restarts when more encoders arrive (greedy reference)
                LOG.warn("{}: waiting for encoders '{}' and '{}' (stoa.kind=encoder); have {}", variant.id(),
                        variant.imageEncoder(), variant.textEncoder(), byId.keySet());
                continue;
            }
            try {
                ClipInference clip = djl.withEngineClassLoader(
                        () -> ClipInference.open(variant, byId::get, models.resolve(variant.id()), ENGINE));
                this.models.add(clip);
                register(clip);
                LOG.info("{}: serving {} weights (image {} + text {} -> {})", variant.id(),
                        clip.trained() ? "trained" : "UNTRAINED random", variant.imageEncoder(),
                        variant.textEncoder(), variant.embedDimension());
            } catch (RuntimeException e) {
                LOG.error("{}: not served: {}", variant.id(), e.getMessage());
            }
        }
    }

    private List<ClipVariant> variants() throws IOException {
        Enumeration<URL> files = context.getBundle().findEntries("variants", "*.properties", false);
        List<URL> sorted = files == null ? List.of() : new ArrayList<>(Collections.list(files));
        List<ClipVariant> out = new ArrayList<>();
        for (URL url : sorted.stream().sorted((a, b) -> a.getPath().compareTo(b.getPath())).toList()) {
            String file = url.getPath().substring(url.getPath().lastIndexOf('/') + 1);
            try (InputStream in = url.openStream()) {
                out.add(ClipVariant.read(file.substring(0, file.length() - ".properties".length()), in));
            } catch (RuntimeException e) {
                LOG.error("variants/{}: skipped: {}", file, e.getMessage());
            }
        }
        return out;
    }

    private void register(ClipInference clip) {
        String id = clip.variant().id();
        registrations.add(context.registerService(StoaService.class, new ClipImageEncoderService(clip),
                properties(clip, id + "-image", "encoder")));
        registrations.add(context.registerService(new String[] {TextEncoder.class.getName(),
            StoaService.class.getName()}, new ClipTextEncoderService(clip), properties(clip, id + "-text", "encoder")));
        registrations.add(context.registerService(StoaService.class, new ClipZeroShotService(clip),
                properties(clip, id + "-zero-shot", "model")));
        registrations.add(context.registerService(StoaService.class, new ClipSimilarityService(clip),
                properties(clip, id + "-similarity", "model")));
    }

    private static Hashtable<String, Object> properties(ClipInference clip, String id, String kind) {
        Hashtable<String, Object> p = new Hashtable<>();
        p.put(ServiceProperties.ID, id);
        p.put(ServiceProperties.KIND, kind);
        p.put(ServiceProperties.VERSION, "1.0.0");
        p.put("clip.variant", clip.variant().name());
        // whether the weights came from data/models/<id>/clip.params; false means random, untrained weights
        p.put("clip.trained", clip.trained());
        p.put("embedding.dimension", clip.dimension());
        return p;
    }

    /** Unregisters the services, then frees the models' native memory. */
    @Deactivate
    public void deactivate() {
        for (ServiceRegistration<?> r : registrations) {
            try {
                r.unregister();
            } catch (IllegalStateException alreadyGone) {
                // unregistered by the framework as the bundle stops
            }
        }
        models.forEach(ClipInference::close);
        for (ServiceReference<EncoderFactory> ref : encoderReferences) {
            context.ungetService(ref);
        }
    }
}
