package dev.stoa.models.coca.internal;

import ai.djl.ndarray.NDManager;
import dev.stoa.api.ServiceProperties;
import dev.stoa.api.StoaService;
import dev.stoa.api.model.ModelProvider;
import dev.stoa.api.model.ModelService;
import dev.stoa.api.model.ModelSource;
import dev.stoa.api.model.OpenedModel;
import dev.stoa.djl.DjlRuntime;
import dev.stoa.nn.encoder.EncoderFactory;
import dev.stoa.nn.eval.ZeroShotRequests;
import dev.stoa.nn.text.ByteTokenizer;
import java.nio.file.Path;
import java.util.List;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * CoCa's {@link ModelProvider}: the platform's model repository serves every {@code coca-*} model of the store
 * ({@code data/models/coca-<name>/<n>/}, as the trainer publishes them), each version with four services, registered
 * before the previous version's are withdrawn (hot swap, no restart):
 *
 * <table>
 *   <caption>services per model</caption>
 *   <tr><th>{@code stoa.id}</th><th>call</th></tr>
 *   <tr><td>{@code coca-<v>-caption}</td><td>a Captioner: image -> text, greedy</td></tr>
 *   <tr><td>{@code coca-<v>-zero-shot}</td><td>{image, labels?, templates?} -> {label, scores}</td></tr>
 *   <tr><td>{@code coca-<v>-image}</td><td>image -> embedding (E)</td></tr>
 *   <tr><td>{@code coca-<v>-text}</td><td>a TextEncoder: text -> embedding (E)</td></tr>
 * </table>
 */
@Component(immediate = true, service = ModelProvider.class)
public final class CocaModels implements ModelProvider {

    private static final String ENGINE = "PyTorch";

    private final DjlRuntime djl;
    private final EncoderFactory resnet;

    /**
     * @param djl DJL with PyTorch loaded
     * @param resnet the image encoder factory the versions were trained with
     */
    @Activate
    public CocaModels(
            @Reference(target = "(djl.engines=" + ENGINE + ")") DjlRuntime djl,
            @Reference(target = CocaFactory.IMAGE_ENCODER) EncoderFactory resnet) {
        this.djl = djl;
        this.resnet = resnet;
    }

    @Override
    public boolean handles(String modelId) {
        return modelId.startsWith(CocaFactory.PREFIX);
    }

    @Override
    public OpenedModel open(ModelSource source) throws Exception {
        Path dir = source.folder();
        CocaInference model = djl.withEngineClassLoader(() -> open(source.modelId(), dir, resnet, ENGINE));
        return OpenedModel.of(services(model), model::close);
    }

    /**
     * @param modelId the model's id
     * @param dir a version folder
     * @param resnet the image encoder factory
     * @param engine the DJL engine
     * @return the version, loaded
     */
    static CocaInference open(String modelId, Path dir, EncoderFactory resnet, String engine) throws Exception {
        CocaConfig config = StoredCoca.config(dir);
        NDManager manager = NDManager.newBaseManager(engine);
        try {
            Coca model = StoredCoca.open(
                    dir,
                    config,
                    resnet.create(config.imageEncoder()),
                    new ByteTokenizer(config.textLength()).vocabularySize(),
                    manager);
            return new CocaInference(
                    modelId,
                    model,
                    manager,
                    StoredCoca.lines(dir, StoredCoca.CLASSES),
                    StoredCoca.lines(dir, StoredCoca.TEMPLATES));
        } catch (Exception | Error e) {
            manager.close();
            throw e;
        }
    }

    static List<ModelService> services(CocaInference model) {
        String id = model.modelId();
        return List.of(
                service(model, id + "-caption", "model", CocaServices.captioner(model)),
                service(model, id + "-zero-shot", "model", new CocaZeroShotService(model)),
                service(model, id + "-image", "encoder", CocaServices.image(model))
                        .withProperty("embedding.dimension", model.dimension()),
                service(model, id + "-text", "encoder", CocaServices.text(model))
                        .withProperty("embedding.dimension", model.dimension()));
    }

    private static ModelService service(CocaInference model, String id, String kind, StoaService<?, ?> s) {
        return ModelService.of(id, kind, s)
                .withProperty("coca.variant", model.config().name())
                .withProperty("coca.text.length", model.config().textLength())
                // an image sent as JSON is decoded by the bus within this budget, as CocaRequests decodes its own
                .withProperty(ServiceProperties.IMAGE_MAX_PIXELS, ZeroShotRequests.MAX_IMAGE_PIXELS);
    }
}
