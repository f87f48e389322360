package dev.stoa.models.sam.internal;

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
 * The trainer's view of SAM: {@code model: {id: sam, variant: tiny}}, any key of the variant file overriding it
 * ({@code decoder_layers: 1}); published as {@code sam-<variant>} unless {@code model_id} names another
 * {@code sam-*} id.
 */
@Component(
        service = TrainableModelFactory.class,
        property = {ServiceProperties.ID + "=" + SamFactory.ID, ServiceProperties.KIND + "=model"})
public final class SamFactory extends VariantModelFactory<SamConfig> {

    static final String ID = "sam";
    static final String PREFIX = ID + "-";
    static final String BUNDLE = "sam";

    /** @param context this bundle's context: its variant files */
    @Activate
    public SamFactory(BundleContext context) {
        this(context.getBundle()::getEntry);
    }

    /** @param entries the variant files by path, e.g. from the class path (the tests and benchmarks) */
    SamFactory(Function<String, URL> entries) {
        super(ID, BUNDLE, entries, SamConfig::read, SamConfig::values);
    }

    @Override
    protected TrainableModel build(String modelId, SamConfig config) {
        return create(modelId, config);
    }

    /** Checks the id and builds the trainable; for the tests, which have no bundle context. */
    static SamTrainable create(String modelId, SamConfig config) {
        return new SamTrainable(checkModelId(ID, modelId, BUNDLE), config);
    }
}
