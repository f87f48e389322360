package dev.stoa.models.dalle.internal;

import ai.djl.ndarray.NDManager;
import dev.stoa.api.ServiceProperties;
import dev.stoa.api.StoaService;
import dev.stoa.api.model.ModelProvider;
import dev.stoa.api.model.ModelService;
import dev.stoa.api.model.ModelSource;
import dev.stoa.api.model.ModelStore;
import dev.stoa.api.model.OpenedModel;
import dev.stoa.api.runtime.ServiceCaller;
import dev.stoa.djl.DjlRuntime;
import dev.stoa.nn.eval.ZeroShotRequests;
import java.nio.file.Path;
import java.util.List;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * DALL-E's {@link ModelProvider}: the platform's model repository serves every {@code dalle-*} model of the store
 * ({@code data/models/<id>/<n>/}, as the trainer publishes them), each version's services registered before the
 * previous version's are withdrawn (hot swap):
 *
 * <table>
 *   <caption>services per model</caption>
 *   <tr><th>model</th><th>{@code stoa.id}</th><th>call</th></tr>
 *   <tr><td>{@code dalle-dvae-<v>}</td><td>{@code dalle-dvae-<v>-tokens}</td><td>image -> tokens and
 *       reconstruction; tokens -> image ({@link DvaeTokensService})</td></tr>
 *   <tr><td>{@code dalle-<v>}</td><td>{@code dalle-<v>-draw}</td><td>text -> N samples, CLIP-reranked, streamed
 *       progress ({@link DalleDrawService})</td></tr>
 * </table>
 *
 * A {@code dalle-<v>} version loads the dVAE version it was trained on from the store; if that version is gone it
 * fails with BAD_CONFIG naming it.
 */
@Component(immediate = true, service = ModelProvider.class)
public final class DalleModels implements ModelProvider {

    private static final String ENGINE = "PyTorch";

    private final DjlRuntime djl;
    private final ServiceCaller caller;
    private final ModelStore store;

    /**
     * @param context this bundle's context, for the model store's place
     * @param djl DJL with PyTorch loaded
     * @param caller the platform's in-process caller, for CLIP's rerank service
     */
    @Activate
    public DalleModels(
            BundleContext context,
            @Reference(target = "(djl.engines=" + ENGINE + ")") DjlRuntime djl,
            @Reference ServiceCaller caller) {
        this.djl = djl;
        this.caller = caller;
        this.store = ModelStore.at(context.getProperty("stoa.home"));
    }

    @Override
    public boolean handles(String modelId) {
        return modelId.startsWith(DalleFactory.PREFIX);
    }

    @Override
    public OpenedModel open(ModelSource source) throws Exception {
        DalleInference model = djl.withEngineClassLoader(() -> open(source.modelId(), source.folder(), store, ENGINE));
        return OpenedModel.of(services(model, new ClipReranker(caller)), model::close);
    }

    /**
     * @param modelId the model's id: {@code dalle-dvae-*} (the dVAE alone) or {@code dalle-*}
     * @param dir a version folder
     * @param store the store holding a transformer's dVAE
     * @param engine the DJL engine
     * @return the version, loaded
     */
    static DalleInference open(String modelId, Path dir, ModelStore store, String engine) throws Exception {
        NDManager manager = NDManager.newBaseManager(engine);
        try {
            if (modelId.startsWith(DvaeFactory.PREFIX)) {
                return new DalleInference(modelId, StoredDvae.open(dir, manager), null, manager);
            }
            DalleConfig config = StoredDalle.config(dir);
            Path dvaeDir = StoredDalle.dvaeFolder(
                    store, config.dvaeModel(), config.dvaeVersion(), dir.resolve(StoredDalle.CONFIG) + " dvae_model");
            Dvae dvae = StoredDvae.open(dvaeDir, manager);
            return new DalleInference(modelId, dvae, StoredDalle.open(dir, config, dvae, manager), manager);
        } catch (Exception | Error e) {
            manager.close();
            throw e;
        }
    }

    static List<ModelService> services(DalleInference model, ClipReranker reranker) {
        String id = model.modelId();
        if (id.startsWith(DvaeFactory.PREFIX)) {
            return List.of(service(model, id + "-tokens", new DvaeTokensService(model)));
        }
        return List.of(service(model, id + "-draw", new DalleDrawService(model, reranker))
                .withProperty("dalle.text.bytes", model.maxTextBytes()));
    }

    private static ModelService service(DalleInference model, String id, StoaService<?, ?> s) {
        return ModelService.of(id, "model", s)
                .withProperty("dalle.grid", model.dvaeConfig().grid())
                .withProperty("dalle.codebook", model.dvaeConfig().codebook())
                // an image sent as JSON is decoded by the bus within this budget
                .withProperty(ServiceProperties.IMAGE_MAX_PIXELS, ZeroShotRequests.MAX_IMAGE_PIXELS);
    }
}
