package dev.stoa.models.clip.internal;

import dev.stoa.api.FailureCode;
import dev.stoa.api.ServiceProperties;
import dev.stoa.api.StoaException;
import dev.stoa.api.data.Text;
import dev.stoa.api.model.ModelProvider;
import dev.stoa.api.model.ModelService;
import dev.stoa.api.model.ModelSource;
import dev.stoa.api.model.ModelStore;
import dev.stoa.api.model.OpenedModel;
import dev.stoa.api.model.VariantCatalog;
import dev.stoa.djl.DjlRuntime;
import dev.stoa.nn.encoder.EncoderFactory;
import dev.stoa.nn.eval.ZeroShotRequests;
import dev.stoa.nn.train.TrainableModel;
import dev.stoa.nn.train.TrainableModelFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 * CLIP's {@link ModelProvider}: the platform's model repository serves every {@code clip-*} model of the store
 * ({@code data/models/clip-<name>/<n>/}: {@code clip.params} and the {@code variant.properties} it was trained as) and
 * lists this bundle's variants ({@code variants/*.properties}; adding a variant is adding a file) as shipped models,
 * {@code UNTRAINED} until trained. Five services per model {@code clip-<v>}:
 *
 * <table>
 *   <caption>services per model</caption>
 *   <tr><th>{@code stoa.id}</th><th>kind</th><th>call</th></tr>
 *   <tr><td>{@code clip-<v>-image}</td><td>encoder</td><td>Image -> Embedding (E, L2-normalised)</td></tr>
 *   <tr><td>{@code clip-<v>-text}</td><td>encoder</td><td>Text -> Embedding, a {@code TextEncoder}</td></tr>
 *   <tr><td>{@code clip-<v>-zero-shot}</td><td>model</td><td>{image, labels, templates?} -> {label, scores}</td></tr>
 *   <tr><td>{@code clip-<v>-similarity}</td><td>model</td><td>{image, texts} -> {similarities}</td></tr>
 *   <tr><td>{@code clip-<v>-image-tokens}</td><td>encoder</td><td>{image} -> {tokens, shape}: the image tower's grid
 *       features ({@link ClipImageTokensService})</td></tr>
 * </table>
 *
 * <p>Also registers a {@link TrainableModelFactory} ({@code stoa.id=clip}) so training files can name
 * {@code model: {id: clip, variant: tiny}}.
 */
@Component(immediate = true, service = ModelProvider.class)
public final class ClipModels implements ModelProvider {

    /** The effective variant of a trained model, beside its {@code clip.params}. */
    static final String VARIANT_FILE = VariantCatalog.VARIANT_FILE;

    private static final Logger LOG = LoggerFactory.getLogger(ClipModels.class);
    private static final String ENGINE = "PyTorch";

    private final BundleContext context;
    private final DjlRuntime djl;
    private final List<ServiceReference<EncoderFactory>> encoderReferences;
    private final Map<String, EncoderFactory> encoders = new HashMap<>();
    private final VariantCatalog<ClipVariant> variants;
    private final ModelStore store;
    private final ServiceRegistration<TrainableModelFactory> factoryRegistration;

    /**
     * @param context this bundle's context, for its variant files and the trainer's factory
     * @param djl DJL with PyTorch loaded (the blocks run on it)
     * @param encoders the encoder factories, keyed by their {@code stoa.id}; the component restarts when more arrive
     * @throws IOException if the variant files cannot be read
     */
    @Activate
    public ClipModels(
            BundleContext context,
            @Reference(target = "(djl.engines=" + ENGINE + ")") DjlRuntime djl,
            @Reference(
                            service = EncoderFactory.class,
                            cardinality = ReferenceCardinality.AT_LEAST_ONE,
                            policyOption = ReferencePolicyOption.GREEDY)
                    List<ServiceReference<EncoderFactory>> encoders)
            throws IOException {
        this.context = context;
        this.djl = djl;
        this.encoderReferences = encoders;
        for (ServiceReference<EncoderFactory> ref : encoders) {
            Object id = ref.getProperty(ServiceProperties.ID);
            EncoderFactory factory = context.getService(ref);
            if (id != null && factory != null) {
                this.encoders.putIfAbsent(id.toString(), factory);
            }
        }
        this.store = ModelStore.at(context.getProperty("stoa.home"));
        this.variants = new VariantCatalog<>(
                "clip",
                context.getBundle().findEntries("variants", "*.properties", false),
                ClipVariant::read,
                (file, why) -> LOG.error("variants/{}: skipped: {}", file, why));
        Hashtable<String, Object> p = new Hashtable<>();
        p.put(ServiceProperties.ID, "clip");
        p.put(ServiceProperties.KIND, "model");
        p.put(
                "clip.variants",
                variants.shipped().stream()
                        .map(id -> id.substring(variants.prefix().length()))
                        .toList()
                        .toArray(new String[0]));
        factoryRegistration = context.registerService(TrainableModelFactory.class, new Factory(), p);
    }

    @Override
    public boolean handles(String modelId) {
        return variants.handles(modelId);
    }

    @Override
    public Set<String> shipped() {
        return variants.shipped();
    }

    @Override
    public OpenedModel open(ModelSource source) throws Exception {
        String id = source.modelId();
        ClipVariant variant = variants.variantOf(source);
        for (String encoder : List.of(variant.imageEncoder(), variant.textEncoder())) {
            if (!encoders.containsKey(encoder)) {
                throw new StoaException(
                        FailureCode.UNAVAILABLE,
                        id + " needs the encoder '" + encoder + "'"
                                + " (stoa.kind=encoder), which is not installed; have " + encoders.keySet());
            }
        }
        // the shipped model has no weights: a folder without clip.params opens it with its initial ones
        Path dir = source.versionFolder().orElse(store.root().resolve(id).resolve("untrained"));
        ClipInference clip = djl.withEngineClassLoader(() -> ClipInference.open(variant, encoders::get, dir, ENGINE));
        LOG.debug(
                "{}: opened {} (image {} + text {} -> {})",
                id,
                source.trained() ? "version " + source.version() : "the untrained variant",
                variant.imageEncoder(),
                variant.textEncoder(),
                variant.embedDimension());
        return ClipOnnxScale.withScale(
                ClipOnnxExport.exportable(OpenedModel.of(services(clip, id), clip::close), clip, id), clip);
    }

    /**
     * A trained version on the sessions of its exported towers: the same services, answered by
     * {@link ClipOnnxInference}.
     */
    @Override
    public OpenedModel open(ModelSource source, dev.stoa.api.engine.EngineGraphs graphs) throws Exception {
        String id = source.modelId();
        ClipVariant variant = variants.variantOf(source);
        ClipOnnxInference clip = ClipOnnxInference.open(variant, source.folder(), graphs);
        LOG.debug(
                "{}: opened version {} on {}",
                id,
                source.version(),
                graphs.choice().engine());
        return OpenedModel.of(services(clip, id), clip::close);
    }

    private static List<ModelService> services(ClipEncoders clip, String id) {
        return List.of(
                service(clip, id + "-image", "encoder", new ClipImageEncoderService(clip)),
                service(clip, id + "-text", "encoder", new ClipTextEncoderService(clip))
                        .withWarmUp(new Text("a photo of a red circle")),
                service(clip, id + "-zero-shot", "model", new ClipZeroShotService(clip)),
                service(clip, id + "-similarity", "model", new ClipSimilarityService(clip)),
                service(clip, id + "-rerank", "model", new ClipRerankService(clip)),
                service(clip, id + "-image-tokens", "encoder", new ClipImageTokensService(clip)));
    }

    private static ModelService service(
            ClipEncoders clip, String id, String kind, dev.stoa.api.StoaService<?, ?> service) {
        return ModelService.of(id, kind, service)
                .withProperty("clip.variant", clip.variant().name())
                .withProperty("embedding.dimension", clip.dimension())
                // an image sent as JSON is decoded by the bus within this budget, as ClipRequests decodes its own
                .withProperty(ServiceProperties.IMAGE_MAX_PIXELS, ZeroShotRequests.MAX_IMAGE_PIXELS);
    }

    /** Withdraws the trainer's factory and releases the encoder factories. */
    @Deactivate
    public void deactivate() {
        try {
            factoryRegistration.unregister();
        } catch (IllegalStateException alreadyGone) {
            // the bundle is stopping
        }
        for (ServiceReference<EncoderFactory> ref : encoderReferences) {
            context.ungetService(ref);
        }
    }

    /** The trainer's view: {@code model: {id: clip, variant: tiny, model_id: clip-tiny}}. */
    private final class Factory implements TrainableModelFactory {
        @Override
        public Map<String, Object> defaults() {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("variant", "tiny");
            d.put("model_id", "clip-<variant>");
            return d;
        }

        @Override
        public TrainableModel create(Map<String, ?> options) {
            for (String key : options.keySet()) {
                if (!defaults().containsKey(key)) {
                    throw new StoaException(
                            FailureCode.BAD_CONFIG,
                            "model." + key + " is not an option of the clip" + " model; use "
                                    + defaults().keySet());
                }
            }
            String name = String.valueOf(options.containsKey("variant") ? options.get("variant") : "tiny");
            ClipVariant variant =
                    variants.shippedVariant(variants.prefix() + name).orElse(null);
            if (variant == null) {
                throw new StoaException(
                        FailureCode.BAD_CONFIG,
                        "model.variant is '" + name + "'; use one of "
                                + variants.shipped().stream()
                                        .map(id ->
                                                id.substring(variants.prefix().length()))
                                        .toList()
                                + " (files in the clip bundle's variants/)");
            }
            String modelId = options.containsKey("model_id") ? String.valueOf(options.get("model_id")) : variant.id();
            if (!variants.handles(modelId)) {
                throw new StoaException(
                        FailureCode.BAD_CONFIG,
                        "model.model_id is '" + modelId + "'; start it with" + " 'clip-' so the clip bundle serves it");
            }
            return new ClipTrainable(variant, modelId, encoders::get);
        }
    }
}
