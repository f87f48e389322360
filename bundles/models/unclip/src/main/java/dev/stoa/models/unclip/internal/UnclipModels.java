package dev.stoa.models.unclip.internal;

import ai.djl.ndarray.NDManager;
import dev.stoa.api.model.ModelProvider;
import dev.stoa.api.model.ModelService;
import dev.stoa.api.model.ModelSource;
import dev.stoa.api.model.OpenedModel;
import dev.stoa.api.runtime.ServiceCaller;
import dev.stoa.djl.DjlRuntime;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * unCLIP's {@link ModelProvider}: the platform's model repository serves every {@code unclip-*} model of the store
 * ({@code data/models/unclip-<name>/<n>/}, as the trainer publishes them) as {@code unclip-<name>-draw}
 * ({@link UnclipDrawService}) and {@code unclip-<name>-variations} ({@link UnclipVariationsService}), registered
 * before the previous version's are withdrawn. Both call the frozen CLIP it was trained on ({@code clip_model}) through
 * its services at call time, so they answer CLIP's own failure while CLIP is not served. Nothing is shipped untrained.
 */
@Component(immediate = true, service = ModelProvider.class)
public final class UnclipModels implements ModelProvider {

    private static final String ENGINE = "PyTorch";

    private final DjlRuntime djl;
    private final ServiceCaller caller;

    /**
     * @param djl DJL with PyTorch loaded
     * @param caller the platform's in-process caller, for CLIP's services
     */
    @Activate
    public UnclipModels(
            @Reference(target = "(djl.engines=" + ENGINE + ")") DjlRuntime djl, @Reference ServiceCaller caller) {
        this.djl = djl;
        this.caller = caller;
    }

    @Override
    public boolean handles(String modelId) {
        return modelId.startsWith(UnclipFactory.PREFIX);
    }

    @Override
    public OpenedModel open(ModelSource source) throws Exception {
        Path dir = source.folder();
        Opened opened = djl.withEngineClassLoader(
                () -> open(source.modelId(), dir, ENGINE, clip -> new ClipServiceEmbedder(caller, clip)));
        return OpenedModel.of(opened.services(), opened.manager()::close);
    }

    /** A version's two services over one set of weights in {@code manager}. */
    record Opened(UnclipDrawService draw, UnclipVariationsService variations, NDManager manager) {
        List<ModelService> services() {
            String id = draw.modelId();
            return List.of(
                    ModelService.of(id + "-draw", "model", draw)
                            .withProperty("unclip.image.size", draw.config().imageSize())
                            .withProperty("unclip.clip.model", draw.config().clipModel()),
                    ModelService.of(id + "-variations", "model", variations)
                            .withProperty("unclip.image.size", draw.config().imageSize())
                            .withProperty("unclip.clip.model", draw.config().clipModel()));
        }
    }

    static Opened open(String modelId, Path dir, String engine, Function<String, ClipEmbedder> clips) throws Exception {
        StoredUnclip.Read read = StoredUnclip.read(dir);
        NDManager manager = NDManager.newBaseManager(engine);
        try {
            Unclip model = StoredUnclip.open(dir, read, manager);
            ClipEmbedder clip = clips.apply(read.config().clipModel());
            return new Opened(
                    new UnclipDrawService(modelId, model, clip, manager),
                    new UnclipVariationsService(modelId, model, clip, manager),
                    manager);
        } catch (Exception | Error e) {
            manager.close();
            throw e;
        }
    }
}
