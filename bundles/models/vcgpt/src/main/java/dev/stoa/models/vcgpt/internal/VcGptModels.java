package dev.stoa.models.vcgpt.internal;

import ai.djl.ndarray.NDManager;
import dev.stoa.api.FailureCode;
import dev.stoa.api.ServiceProperties;
import dev.stoa.api.StoaException;
import dev.stoa.api.model.ModelProvider;
import dev.stoa.api.model.ModelService;
import dev.stoa.api.model.ModelSource;
import dev.stoa.api.model.ModelStore;
import dev.stoa.api.model.OpenedModel;
import dev.stoa.api.runtime.ServiceCaller;
import dev.stoa.api.service.Captioner;
import dev.stoa.djl.DjlRuntime;
import dev.stoa.nn.lm.LanguageModelFactory;
import java.nio.file.Path;
import java.util.List;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * VC-GPT's {@link ModelProvider}: the platform's model repository serves every {@code vcgpt-*} model of the store
 * ({@code data/models/vcgpt-<name>/<n>/}, as the trainer publishes them) as a {@link Captioner},
 * {@code stoa.id=vcgpt-<name>-caption}, registered before the previous version's is withdrawn. Nothing is shipped
 * untrained. A version whose CLIP cannot answer yet fails with CLIP's own status and is tried again until it does.
 */
@Component(immediate = true, service = ModelProvider.class)
public final class VcGptModels implements ModelProvider {

    private static final String ENGINE = "PyTorch";
    static final long MAX_IMAGE_PIXELS = 1024L * 1024L;

    private final DjlRuntime djl;
    private final LanguageModelFactory lms;
    private final ServiceCaller caller;
    private final ModelStore store;

    /**
     * @param context this bundle's context, for the model store's place
     * @param djl DJL with PyTorch loaded
     * @param lms the {@code gpt} language-model factory
     * @param caller the platform's in-process caller, for the CLIP grid service
     */
    @Activate
    public VcGptModels(
            BundleContext context,
            @Reference(target = "(djl.engines=" + ENGINE + ")") DjlRuntime djl,
            @Reference(target = "(stoa.id=gpt)") LanguageModelFactory lms,
            @Reference ServiceCaller caller) {
        this.djl = djl;
        this.lms = lms;
        this.caller = caller;
        this.store = ModelStore.at(context.getProperty("stoa.home"));
    }

    @Override
    public boolean handles(String modelId) {
        return modelId.startsWith(VcGptFactory.PREFIX);
    }

    @Override
    public OpenedModel open(ModelSource source) throws Exception {
        Path dir = source.folder();
        StoredVcGpt.Version version = StoredVcGpt.read(dir);
        ImageGrid grid = new ClipServiceGrid(caller, version.config().clipModel());
        if (grid.tokens() != version.tokens() || grid.width() != version.width()) {
            throw new StoaException(
                    FailureCode.BAD_CONFIG,
                    source.modelId() + " was trained on " + version.tokens() + " x " + version.width()
                            + " grid features, but " + version.config().clipModel() + " now gives " + grid.tokens()
                            + " x " + grid.width() + "; train it again on this CLIP");
        }
        VcGptCaptioner captioner = djl.withEngineClassLoader(() -> open(dir, version, store, lms, grid, ENGINE));
        return OpenedModel.of(services(source.modelId(), captioner), captioner::close);
    }

    /**
     * @param dir a version folder
     * @param version its files, read
     * @param store the model store, for the frozen language model
     * @param lms the language model's factory
     * @param grid the frozen image side
     * @param engine the DJL engine
     * @return the captioner
     */
    static VcGptCaptioner open(
            Path dir,
            StoredVcGpt.Version version,
            ModelStore store,
            LanguageModelFactory lms,
            ImageGrid grid,
            String engine)
            throws Exception {
        NDManager manager = NDManager.newBaseManager(engine);
        try {
            VcGpt model = StoredVcGpt.open(dir, version, store, lms, manager);
            return new VcGptCaptioner(version.config(), model, manager, grid);
        } catch (Exception | Error e) {
            manager.close();
            throw e;
        }
    }

    static List<ModelService> services(String modelId, VcGptCaptioner captioner) {
        return List.of(ModelService.of(modelId + "-caption", "model", captioner)
                .withProperty("vcgpt.logits", captioner.config().logits().word())
                .withProperty("vcgpt.clip.model", captioner.config().clipModel())
                .withProperty("vcgpt.lm.model", captioner.config().lmModel())
                // an image sent as JSON is decoded by the bus within this budget (CLIP looks at 64 px)
                .withProperty(ServiceProperties.IMAGE_MAX_PIXELS, MAX_IMAGE_PIXELS));
    }
}
