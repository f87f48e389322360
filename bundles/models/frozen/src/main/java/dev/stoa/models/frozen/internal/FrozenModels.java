package dev.stoa.models.frozen.internal;

import ai.djl.ndarray.NDManager;
import dev.stoa.api.ServiceProperties;
import dev.stoa.api.model.ModelProvider;
import dev.stoa.api.model.ModelService;
import dev.stoa.api.model.ModelSource;
import dev.stoa.api.model.ModelStore;
import dev.stoa.api.model.OpenedModel;
import dev.stoa.api.service.Captioner;
import dev.stoa.djl.DjlRuntime;
import dev.stoa.nn.encoder.EncoderFactory;
import dev.stoa.nn.lm.LanguageModelFactory;
import java.nio.file.Path;
import java.util.List;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Frozen's {@link ModelProvider}: the platform's model repository serves every {@code frozen-*} model of the store
 * ({@code data/models/frozen-<name>/<n>/}, as the trainer publishes them) as a {@link Captioner},
 * {@code stoa.id=frozen-<name>-caption}, registered before the previous version's is withdrawn. Nothing is shipped
 * untrained. The frozen language model is read from the store at the version the model was trained on.
 */
@Component(immediate = true, service = ModelProvider.class)
public final class FrozenModels implements ModelProvider {

    private static final String ENGINE = "PyTorch";
    static final long MAX_IMAGE_PIXELS = 1024L * 1024L;

    private final DjlRuntime djl;
    private final LanguageModelFactory lms;
    private final EncoderFactory resnet;
    private final ModelStore store;

    /**
     * @param context this bundle's context, for the model store's place
     * @param djl DJL with PyTorch loaded
     * @param lms the {@code gpt} language-model factory
     * @param resnet the ResNet image encoder factory
     */
    @Activate
    public FrozenModels(
            BundleContext context,
            @Reference(target = "(djl.engines=" + ENGINE + ")") DjlRuntime djl,
            @Reference(target = "(stoa.id=gpt)") LanguageModelFactory lms,
            @Reference(target = FrozenFactory.IMAGE_ENCODER) EncoderFactory resnet) {
        this.djl = djl;
        this.lms = lms;
        this.resnet = resnet;
        this.store = ModelStore.at(context.getProperty("stoa.home"));
    }

    @Override
    public boolean handles(String modelId) {
        return modelId.startsWith(FrozenFactory.PREFIX);
    }

    @Override
    public OpenedModel open(ModelSource source) throws Exception {
        Path dir = source.folder();
        FrozenConfig config = StoredFrozen.read(dir);
        FrozenCaptioner captioner = djl.withEngineClassLoader(() -> open(dir, config, store, lms, resnet, ENGINE));
        return OpenedModel.of(services(source.modelId(), captioner), captioner::close);
    }

    /**
     * @param dir a version folder
     * @param config its variant, read
     * @param store the model store, for the frozen language model
     * @param lms the language model's factory
     * @param resnet the ResNet image encoder factory
     * @param engine the DJL engine
     * @return the captioner
     */
    static FrozenCaptioner open(
            Path dir,
            FrozenConfig config,
            ModelStore store,
            LanguageModelFactory lms,
            EncoderFactory resnet,
            String engine)
            throws Exception {
        NDManager manager = NDManager.newBaseManager(engine);
        try {
            Frozen model = StoredFrozen.open(dir, config, store, lms, resnet, manager);
            return new FrozenCaptioner(config, model, manager);
        } catch (Exception | Error e) {
            manager.close();
            throw e;
        }
    }

    static List<ModelService> services(String modelId, FrozenCaptioner captioner) {
        return List.of(ModelService.of(modelId + "-caption", "model", captioner)
                .withProperty("frozen.lm.model", captioner.config().lmModel())
                .withProperty("frozen.prefix.length", captioner.config().prefixLength())
                .withProperty("frozen.image.encoder", captioner.config().imageEncoder())
                // an image sent as JSON is decoded by the bus within this budget (the encoder looks at 64 px)
                .withProperty(ServiceProperties.IMAGE_MAX_PIXELS, MAX_IMAGE_PIXELS));
    }
}
