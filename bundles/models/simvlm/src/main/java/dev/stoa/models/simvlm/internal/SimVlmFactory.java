package dev.stoa.models.simvlm.internal;

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
 * The trainer's view of SimVLM: {@code model: {id: simvlm, variant: tiny}}, any key of the variant file
 * overriding it ({@code text_only_fraction: 0}}); published as {@code simvlm-<variant>} unless {@code model_id} names another
 * {@code simvlm-*} id. The variant files are this bundle's {@code variants/*.properties}.
 */
@Component(
        service = TrainableModelFactory.class,
        property = {ServiceProperties.ID + "=" + SimVlmFactory.ID, ServiceProperties.KIND + "=model"})
public final class SimVlmFactory extends VariantModelFactory<SimVlmConfig> {

    static final String ID = "simvlm";
    static final String PREFIX = ID + "-";
    static final String BUNDLE = "simvlm";

    /** @param context this bundle's context: its variant files */
    @Activate
    public SimVlmFactory(BundleContext context) {
        this(context.getBundle()::getEntry);
    }

    /** @param entries the variant files by path, e.g. from the class path (the tests and benchmarks) */
    SimVlmFactory(Function<String, URL> entries) {
        super(ID, BUNDLE, entries, SimVlmConfig::read, SimVlmConfig::values);
    }

    @Override
    protected TrainableModel build(String modelId, SimVlmConfig config) {
        return create(modelId, config);
    }

    /** Checks the id and builds the trainable; for the tests, which have no bundle context. */
    static SimVlmTrainable create(String modelId, SimVlmConfig config) {
        return new SimVlmTrainable(checkModelId(ID, modelId, BUNDLE), config);
    }
}
