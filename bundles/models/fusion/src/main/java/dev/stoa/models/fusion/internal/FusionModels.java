package dev.stoa.models.fusion.internal;

import ai.djl.ndarray.NDManager;
import dev.stoa.api.ServiceProperties;
import dev.stoa.api.model.ModelProvider;
import dev.stoa.api.model.ModelService;
import dev.stoa.api.model.ModelSource;
import dev.stoa.api.model.OpenedModel;
import dev.stoa.djl.DjlRuntime;
import java.nio.file.Path;
import java.util.List;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The fusion encoders' {@link ModelProvider}: the platform's model repository serves every {@code visualbert-*} and
 * {@code vilbert-*} model of the store ({@code data/models/<id>/<n>/}, as the trainer publishes them), each version
 * with two services, registered before the previous version's are withdrawn (hot swap, no restart). The id's prefix
 * picks the opener: {@link StoredVisualBert} or {@link StoredVilbert}; both answer a {@link FusionInference}, so the
 * services are the same code and the same JSON:
 *
 * <table>
 *   <caption>services per model</caption>
 *   <tr><th>{@code stoa.id}</th><th>call</th></tr>
 *   <tr><td>{@code <id>-match}</td><td>{image, text} -> {score, matches}</td></tr>
 *   <tr><td>{@code <id>-fill}</td><td>{image, text with [MASK], top?} -> {masks: [{position, words}]}</td></tr>
 * </table>
 *
 * <p>Nothing is shipped untrained: the services exist once a version is trained.
 */
@Component(immediate = true, service = ModelProvider.class)
public final class FusionModels implements ModelProvider {

    private static final String ENGINE = "PyTorch";

    private final DjlRuntime djl;

    /** @param djl DJL with PyTorch loaded */
    @Activate
    public FusionModels(@Reference(target = "(djl.engines=" + ENGINE + ")") DjlRuntime djl) {
        this.djl = djl;
    }

    @Override
    public boolean handles(String modelId) {
        return modelId.startsWith(VisualBertFactory.PREFIX) || modelId.startsWith(VilbertFactory.PREFIX);
    }

    @Override
    public OpenedModel open(ModelSource source) throws Exception {
        Path dir = source.folder();
        FusionInference model = djl.withEngineClassLoader(() -> open(source.modelId(), dir, ENGINE));
        return OpenedModel.of(services(model), model::close);
    }

    /**
     * @param modelId the model's id: {@code visualbert-*} or {@code vilbert-*}
     * @param dir a version folder
     * @param engine the DJL engine
     * @return the version, loaded
     */
    static FusionInference open(String modelId, Path dir, String engine) throws Exception {
        NDManager manager = NDManager.newBaseManager(engine);
        try {
            if (modelId.startsWith(VilbertFactory.PREFIX)) {
                return StoredVilbert.open(modelId, dir, manager);
            }
            VisualBertConfig config = StoredVisualBert.config(dir);
            FusionTokens tokens = StoredVisualBert.tokens(dir, config);
            return new FusionInference(modelId, StoredVisualBert.open(dir, config, tokens, manager), tokens, manager);
        } catch (Exception | Error e) {
            manager.close();
            throw e;
        }
    }

    static List<ModelService> services(FusionInference model) {
        String id = model.modelId();
        return List.of(
                service(model, id + "-match", new MatchService(model)),
                service(model, id + "-fill", new FillMaskService(model)));
    }

    private static ModelService service(FusionInference model, String id, dev.stoa.api.StoaService<?, ?> s) {
        return ModelService.of(id, "model", s)
                .withProperty("fusion.architecture", model.encoder().architecture())
                .withProperty(
                        model.encoder().architecture() + ".variant",
                        model.encoder().variant())
                .withProperty(
                        model.encoder().architecture() + ".text.length",
                        model.encoder().textLength())
                // an image sent as JSON is decoded by the bus within this budget, as FusionRequests decodes its own
                .withProperty(ServiceProperties.IMAGE_MAX_PIXELS, FusionRequests.MAX_IMAGE_PIXELS);
    }
}
