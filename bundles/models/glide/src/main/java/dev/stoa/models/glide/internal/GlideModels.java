package dev.stoa.models.glide.internal;

import ai.djl.ndarray.NDManager;
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
 * GLIDE's {@link ModelProvider}: the platform's model repository serves every {@code glide-*} model of the store
 * ({@code data/models/glide-<name>/<n>/}, as the trainer publishes them) as {@code glide-<name>-draw}
 * ({@link GlideDrawService}), registered before the previous version's is withdrawn. Nothing is shipped untrained.
 */
@Component(immediate = true, service = ModelProvider.class)
public final class GlideModels implements ModelProvider {

    private static final String ENGINE = "PyTorch";

    private final DjlRuntime djl;

    /** @param djl DJL with PyTorch loaded */
    @Activate
    public GlideModels(@Reference(target = "(djl.engines=" + ENGINE + ")") DjlRuntime djl) {
        this.djl = djl;
    }

    @Override
    public boolean handles(String modelId) {
        return modelId.startsWith(GlideFactory.PREFIX);
    }

    @Override
    public OpenedModel open(ModelSource source) throws Exception {
        Path dir = source.folder();
        GlideDrawService service = djl.withEngineClassLoader(() -> open(source.modelId(), dir, ENGINE));
        return OpenedModel.of(services(source.modelId(), service), service::close);
    }

    static GlideDrawService open(String modelId, Path dir, String engine) throws Exception {
        GlideConfig config = StoredGlide.read(dir);
        NDManager manager = NDManager.newBaseManager(engine);
        try {
            return new GlideDrawService(modelId, StoredGlide.open(dir, config, manager), manager);
        } catch (Exception | Error e) {
            manager.close();
            throw e;
        }
    }

    static List<ModelService> services(String modelId, GlideDrawService service) {
        return List.of(ModelService.of(modelId + "-draw", "model", service)
                .withProperty("glide.image.size", service.config().imageSize())
                .withProperty("glide.diffusion.steps", service.config().diffusionSteps()));
    }
}
