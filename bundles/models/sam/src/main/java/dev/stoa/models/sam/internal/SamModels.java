package dev.stoa.models.sam.internal;

import ai.djl.ndarray.NDManager;
import dev.stoa.api.ServiceProperties;
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
 * SAM's {@link ModelProvider}: the platform's model repository serves every {@code sam-*} model of the store
 * ({@code data/models/sam-<name>/<n>/}, as the trainer publishes them), each version with two services, registered
 * before the previous version's are withdrawn (hot swap, no restart):
 *
 * <table>
 *   <caption>services per model</caption>
 *   <tr><th>{@code stoa.id}</th><th>call</th></tr>
 *   <tr><td>{@code sam-<v>-segment}</td><td>{image, points?, point_labels?, box?, mask?, multimask?} ->
 *       {masks}</td></tr>
 *   <tr><td>{@code sam-<v>-everything}</td><td>{image, points_per_side?, iou_threshold?, min_score?, crops?} ->
 *       {masks, count}; with crops each mask also has its picture ({@link SegmentCrops})</td></tr>
 * </table>
 */
@Component(immediate = true, service = ModelProvider.class)
public final class SamModels implements ModelProvider {

    private static final String ENGINE = "PyTorch";

    private final DjlRuntime djl;

    /** @param djl DJL with PyTorch loaded */
    @Activate
    public SamModels(@Reference(target = "(djl.engines=" + ENGINE + ")") DjlRuntime djl) {
        this.djl = djl;
    }

    @Override
    public boolean handles(String modelId) {
        return modelId.startsWith(SamFactory.PREFIX);
    }

    @Override
    public OpenedModel open(ModelSource source) throws Exception {
        Path dir = source.folder();
        SamInference model = djl.withEngineClassLoader(() -> open(source.modelId(), dir, ENGINE));
        return OpenedModel.of(services(model), model::close);
    }

    /**
     * @param modelId the model's id
     * @param dir a version folder
     * @param engine the DJL engine
     * @return the version, loaded
     */
    static SamInference open(String modelId, Path dir, String engine) throws Exception {
        SamConfig config = StoredSam.config(dir);
        NDManager manager = NDManager.newBaseManager(engine);
        try {
            return new SamInference(modelId, StoredSam.open(dir, config, manager), manager);
        } catch (Exception | Error e) {
            manager.close();
            throw e;
        }
    }

    static List<ModelService> services(SamInference model) {
        String id = model.modelId();
        return List.of(
                service(model, id + "-segment", new SamSegmentService(model)),
                service(model, id + "-everything", new SamEverythingService(model)));
    }

    private static ModelService service(SamInference model, String id, StoaService<?, ?> s) {
        return ModelService.of(id, "model", s)
                .withProperty("sam.variant", model.config().name())
                .withProperty("sam.image.size", model.config().imageSize())
                // an image sent as JSON is decoded by the bus within this budget, as SamRequests decodes its own
                .withProperty(ServiceProperties.IMAGE_MAX_PIXELS, SamRequests.MAX_IMAGE_PIXELS);
    }
}
