package dev.stoa.models.glide.internal;

import dev.stoa.api.ServiceProperties;
import dev.stoa.nn.train.TrainableModel;
import dev.stoa.nn.train.TrainableModelFactory;
import dev.stoa.nn.train.VariantModelFactory;
import java.net.URL;
import java.util.function.Function;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/**
 * The trainer's view of GLIDE: {@code model: {id: glide, variant: tiny}}, any key of the variant file overriding it
 * ({@code channels: 48}); published as {@code glide-<variant>} unless {@code model_id} names another {@code glide-*}
 * id. The loss is {@code diffusion} (DDPM's MSE on the noise).
 */
@Component(
        service = TrainableModelFactory.class,
        property = {ServiceProperties.ID + "=" + GlideFactory.ID, ServiceProperties.KIND + "=model"})
public final class GlideFactory extends VariantModelFactory<GlideConfig> {

    static final String ID = "glide";
    static final String PREFIX = ID + "-";
    static final String BUNDLE = "glide";

    /** @param context this bundle's context: its variant files */
    @Activate
    public GlideFactory(BundleContext context) {
        this(context.getBundle()::getEntry);
    }

    /** @param entries the variant files by path, e.g. from the class path (the tests and benchmarks) */
    GlideFactory(Function<String, URL> entries) {
        super(ID, BUNDLE, entries, GlideConfig::read, GlideConfig::values);
    }

    @Override
    protected TrainableModel build(String modelId, GlideConfig config) {
        return new GlideTrainable(checkModelId(ID, modelId, BUNDLE), config, model(config));
    }

    /** @return the block of a variant, uninitialised */
    static Glide model(GlideConfig config) {
        return new Glide(
                config, CaptionVocabulary.tokenizer(config.captionLength()).vocabularySize());
    }
}
