package dev.stoa.models.clipcap.internal;

import ai.djl.ndarray.NDManager;
import dev.stoa.api.model.ModelProvider;
import dev.stoa.api.model.ModelService;
import dev.stoa.api.model.ModelSource;
import dev.stoa.api.model.OpenedModel;
import dev.stoa.api.runtime.ServiceCaller;
import dev.stoa.api.service.Captioner;
import dev.stoa.djl.DjlRuntime;
import dev.stoa.nn.lm.LanguageModelFactory;
import java.nio.file.Path;
import java.util.List;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * ClipCap's {@link ModelProvider}: the platform's model repository serves every {@code clipcap-*} model of the store
 * ({@code data/models/clipcap-<name>/<n>/}, as the trainer publishes them) as a {@link Captioner},
 * {@code stoa.id=clipcap-<name>}, {@code stoa.kind=model}. Nothing is shipped untrained: a captioner exists only once
 * trained. A version whose CLIP cannot embed yet (untrained, or not installed) fails with CLIP's own status, and the
 * repository tries it again until CLIP serves.
 */
@Component(immediate = true, service = ModelProvider.class)
public final class ClipCapModels implements ModelProvider {

    private static final String ENGINE = "PyTorch";

    private final DjlRuntime djl;
    private final LanguageModelFactory decoders;
    private final ServiceCaller caller;

    /**
     * @param djl DJL with PyTorch loaded
     * @param decoders the {@code gpt} language-model factory
     * @param caller the platform's in-process caller, for the CLIP image service
     */
    @Activate
    public ClipCapModels(
            @Reference(target = "(djl.engines=" + ENGINE + ")") DjlRuntime djl,
            @Reference(target = "(stoa.id=gpt)") LanguageModelFactory decoders,
            @Reference ServiceCaller caller) {
        this.djl = djl;
        this.decoders = decoders;
        this.caller = caller;
    }

    @Override
    public boolean handles(String modelId) {
        return modelId.startsWith(ClipCapFactory.PREFIX);
    }

    @Override
    public OpenedModel open(ModelSource source) throws Exception {
        Path dir = source.folder();
        ClipCapConfig config = StoredClipCap.config(dir);
        ClipServiceEmbedder embedder = new ClipServiceEmbedder(caller, config.clipModel());
        ClipCapCaptioner captioner = djl.withEngineClassLoader(() -> {
            NDManager manager = NDManager.newBaseManager(ENGINE);
            try {
                ClipCap model = StoredClipCap.open(dir, config, decoders, embedder.dimension(), manager);
                return new ClipCapCaptioner(config, model, manager, embedder);
            } catch (Exception | Error e) {
                manager.close();
                throw e;
            }
        });
        ModelService service = ModelService.of(source.modelId(), "model", captioner)
                .withProperty("clipcap.mapper", config.mapper())
                .withProperty("clipcap.prefix.length", config.prefixLength())
                .withProperty("clipcap.clip.model", config.clipModel());
        return new ClipCapOnnxModel(List.of(service), captioner, djl);
    }
}
