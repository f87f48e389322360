package dev.stoa.models.simvlm.internal;

import ai.djl.ndarray.NDManager;
import dev.stoa.api.ServiceProperties;
import dev.stoa.api.StoaService;
import dev.stoa.api.model.ModelProvider;
import dev.stoa.api.model.ModelService;
import dev.stoa.api.model.ModelSource;
import dev.stoa.api.model.OpenedModel;
import dev.stoa.djl.DjlRuntime;
import dev.stoa.nn.text.WordTokenizer;
import java.nio.file.Path;
import java.util.List;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * SimVLM's {@link ModelProvider}: the platform's model repository serves every {@code simvlm-*} model of the store
 * ({@code data/models/simvlm-<name>/<n>/}, as the trainer publishes them), each version with two services,
 * registered before the previous version's are withdrawn (hot swap, no restart):
 *
 * <table>
 *   <caption>services per model</caption>
 *   <tr><th>{@code stoa.id}</th><th>call</th></tr>
 *   <tr><td>{@code simvlm-<v>-caption}</td><td>a Captioner: {image} -> {text}</td></tr>
 *   <tr><td>{@code simvlm-<v>-complete}</td><td>{image, text} -> {text: the continuation, model}</td></tr>
 * </table>
 *
 * <p>Nothing is shipped untrained: the services exist once a version is trained.
 */
@Component(immediate = true, service = ModelProvider.class)
public final class SimVlmModels implements ModelProvider {

    private static final String ENGINE = "PyTorch";

    private final DjlRuntime djl;

    /** @param djl DJL with PyTorch loaded */
    @Activate
    public SimVlmModels(@Reference(target = "(djl.engines=" + ENGINE + ")") DjlRuntime djl) {
        this.djl = djl;
    }

    @Override
    public boolean handles(String modelId) {
        return modelId.startsWith(SimVlmFactory.PREFIX);
    }

    @Override
    public OpenedModel open(ModelSource source) throws Exception {
        Path dir = source.folder();
        SimVlmInference model = djl.withEngineClassLoader(() -> open(source.modelId(), dir, ENGINE));
        return OpenedModel.of(services(model), model::close);
    }

    /**
     * @param modelId the model's id
     * @param dir a version folder
     * @param engine the DJL engine
     * @return the version, loaded
     */
    static SimVlmInference open(String modelId, Path dir, String engine) throws Exception {
        SimVlmConfig config = StoredSimVlm.config(dir);
        WordTokenizer words = StoredSimVlm.words(dir, config);
        NDManager manager = NDManager.newBaseManager(engine);
        try {
            return new SimVlmInference(modelId, StoredSimVlm.open(dir, config, words, manager), words, manager);
        } catch (Exception | Error e) {
            manager.close();
            throw e;
        }
    }

    static List<ModelService> services(SimVlmInference model) {
        String id = model.modelId();
        return List.of(
                service(model, id + "-caption", new CaptionService(model)),
                service(model, id + "-complete", new CompleteService(model)));
    }

    private static ModelService service(SimVlmInference model, String id, StoaService<?, ?> s) {
        return ModelService.of(id, "model", s)
                .withProperty("simvlm.variant", model.config().name())
                .withProperty("simvlm.text.length", model.config().textLength())
                // an image sent as JSON is decoded by the bus within this budget, as CompleteService decodes its own
                .withProperty(ServiceProperties.IMAGE_MAX_PIXELS, CompleteService.MAX_IMAGE_PIXELS);
    }
}
