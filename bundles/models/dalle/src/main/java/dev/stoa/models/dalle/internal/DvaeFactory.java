package dev.stoa.models.dalle.internal;

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
 * The trainer's view of DALL-E's first stage, the discrete VAE: {@code model: {id: dalle-dvae, variant: tiny}} (the
 * bundle's {@code variants/dvae-tiny.properties}), any key overriding it; published as {@code dalle-dvae-<variant>}
 * unless {@code model_id} names another {@code dalle-dvae-*} id.
 */
@Component(
        service = TrainableModelFactory.class,
        property = {ServiceProperties.ID + "=" + DvaeFactory.ID, ServiceProperties.KIND + "=model"})
public final class DvaeFactory extends VariantModelFactory<DvaeConfig> {

    static final String ID = "dalle-dvae";
    static final String PREFIX = ID + "-";
    static final String BUNDLE = "dalle";

    /** @param context this bundle's context: its variant files */
    @Activate
    public DvaeFactory(BundleContext context) {
        this(context.getBundle()::getEntry);
    }

    /** @param entries the variant files by path, e.g. from the class path (the tests and benchmarks) */
    DvaeFactory(Function<String, URL> entries) {
        super(ID, BUNDLE, entries, DvaeConfig::read, DvaeConfig::values);
    }

    @Override
    protected String variantFile(String name) {
        return "variants/dvae-" + name + ".properties";
    }

    @Override
    protected TrainableModel build(String modelId, DvaeConfig config) {
        return new DvaeTrainable(checkModelId(ID, modelId, BUNDLE), config);
    }
}
