package dev.stoa.models.gpt.internal;

import dev.stoa.api.generation.GenerationOptions;
import dev.stoa.api.generation.GenerationRequest;
import dev.stoa.api.generation.TextGenerator;
import dev.stoa.api.model.ModelProvider;
import dev.stoa.api.model.ModelService;
import dev.stoa.api.model.ModelSource;
import dev.stoa.api.model.ModelStore;
import dev.stoa.api.model.OpenedModel;
import dev.stoa.api.model.VariantCatalog;
import dev.stoa.djl.DjlRuntime;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * GPT's {@link ModelProvider}: the platform's model repository serves every {@code gpt-*} model of the store
 * ({@code data/models/gpt-<name>/<n>/}: {@code gpt.params} and the {@code variant.properties} it was trained as, e.g.
 * the scene-QA model {@code gpt-scene-qa}) as a {@link TextGenerator},
 * {@code stoa.id=gpt-<name>}, {@code stoa.kind=model}, and lists this bundle's variants ({@code variants/*.properties})
 * as shipped models, {@code UNTRAINED} until a version is published.
 */
@Component(immediate = true, service = ModelProvider.class)
public final class GptModels implements ModelProvider {

    static final String VARIANT_FILE = VariantCatalog.VARIANT_FILE;

    private static final Logger LOG = LoggerFactory.getLogger(GptModels.class);
    private static final String ENGINE = "PyTorch";

    private final DjlRuntime djl;
    private final ModelStore store;
    private final VariantCatalog<GptVariant> variants;

    /**
     * @param context this bundle's context, for its variant files
     * @param djl DJL with PyTorch loaded
     * @throws IOException if the variant files cannot be read
     */
    @Activate
    public GptModels(BundleContext context, @Reference(target = "(djl.engines=" + ENGINE + ")") DjlRuntime djl)
            throws IOException {
        this.djl = djl;
        this.store = ModelStore.at(context.getProperty("stoa.home"));
        this.variants = new VariantCatalog<>(
                "gpt",
                context.getBundle().findEntries("variants", "*.properties", false),
                GptVariant::read,
                (file, why) -> LOG.error("variants/{}: skipped: {}", file, why));
    }

    @Override
    public boolean handles(String modelId) {
        return variants.handles(modelId);
    }

    @Override
    public Set<String> shipped() {
        return variants.shipped();
    }

    @Override
    public OpenedModel open(ModelSource source) throws Exception {
        String id = source.modelId();
        GptVariant variant = variants.variantOf(source);
        // the shipped model has no weights: a folder without gpt.params opens it with its initial ones
        Path dir = source.versionFolder().orElse(store.root().resolve(id).resolve("untrained"));
        GptGenerator generator = djl.withEngineClassLoader(() -> GptGenerator.open(variant, dir, ENGINE));
        ModelService service = ModelService.of(id, "model", generator)
                .withProperty("gpt.variant", variant.name())
                .withProperty("context.length", variant.contextLength())
                .withWarmUp(new GenerationRequest("a", GenerationOptions.GREEDY.withMaxTokens(1)));
        return new GptOnnxModel(List.of(service), generator, djl);
    }
}
