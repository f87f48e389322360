package dev.stoa.models.merlot.internal;

import ai.djl.ndarray.NDManager;
import dev.stoa.api.StoaService;
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
 * MERLOT's {@link ModelProvider}: the platform's model repository serves every {@code merlot-*} model of the store
 * ({@code data/models/merlot-<name>/<n>/}, as the trainer publishes them), each version with three services,
 * registered before the previous version's are withdrawn (hot swap, no restart):
 *
 * <table>
 *   <caption>services per model</caption>
 *   <tr><th>{@code stoa.id}</th><th>call</th></tr>
 *   <tr><td>{@code merlot-<v>-order}</td><td>{frames} -> {order}</td></tr>
 *   <tr><td>{@code merlot-<v>-qa}</td><td>{frames, question} -> {text, probability}</td></tr>
 *   <tr><td>{@code merlot-<v>-match}</td><td>{frames, text} -> {score, frame, frame_scores}</td></tr>
 * </table>
 *
 * <p>Nothing is shipped untrained: the services exist once a version is trained.
 */
@Component(immediate = true, service = ModelProvider.class)
public final class MerlotModels implements ModelProvider {

    private static final String ENGINE = "PyTorch";

    private final DjlRuntime djl;

    /** @param djl DJL with PyTorch loaded */
    @Activate
    public MerlotModels(@Reference(target = "(djl.engines=" + ENGINE + ")") DjlRuntime djl) {
        this.djl = djl;
    }

    @Override
    public boolean handles(String modelId) {
        return modelId.startsWith(MerlotFactory.PREFIX);
    }

    @Override
    public OpenedModel open(ModelSource source) throws Exception {
        Path dir = source.folder();
        MerlotInference model = djl.withEngineClassLoader(() -> open(source.modelId(), dir, ENGINE));
        return OpenedModel.of(services(model), model::close);
    }

    /**
     * @param modelId the model's id
     * @param dir a version folder
     * @param engine the DJL engine
     * @return the version, loaded
     */
    static MerlotInference open(String modelId, Path dir, String engine) throws Exception {
        MerlotConfig config = StoredMerlot.config(dir);
        MerlotTokens tokens = StoredMerlot.tokens(dir, config);
        NDManager manager = NDManager.newBaseManager(engine);
        try {
            return new MerlotInference(modelId, StoredMerlot.open(dir, config, tokens, manager), tokens, manager);
        } catch (Exception | Error e) {
            manager.close();
            throw e;
        }
    }

    static List<ModelService> services(MerlotInference model) {
        String id = model.modelId();
        return List.of(
                service(model, id + "-order", new OrderService(model)),
                service(model, id + "-qa", new QaService(model)),
                service(model, id + "-match", new MatchService(model)));
    }

    private static ModelService service(MerlotInference model, String id, StoaService<?, ?> s) {
        return ModelService.of(id, "model", s)
                .withProperty("merlot.variant", model.config().name())
                .withProperty("merlot.frames", model.config().frames());
    }
}
