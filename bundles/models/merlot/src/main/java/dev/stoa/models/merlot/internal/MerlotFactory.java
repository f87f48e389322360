package dev.stoa.models.merlot.internal;

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
 * The trainer's view of MERLOT: {@code model: {id: merlot, variant: tiny}}, any key of the variant file overriding it
 * ({@code layers: 2}); published as {@code merlot-<variant>} unless {@code model_id} names another {@code merlot-*}
 * id. The variant files are this bundle's {@code variants/*.properties}.
 */
@Component(
        service = TrainableModelFactory.class,
        property = {ServiceProperties.ID + "=" + MerlotFactory.ID, ServiceProperties.KIND + "=model"})
public final class MerlotFactory extends VariantModelFactory<MerlotConfig> {

    static final String ID = "merlot";
    static final String PREFIX = ID + "-";
    static final String BUNDLE = "merlot";

    /** @param context this bundle's context: its variant files */
    @Activate
    public MerlotFactory(BundleContext context) {
        this(context.getBundle()::getEntry);
    }

    /** @param entries the variant files by path, e.g. from the class path (the tests and benchmarks) */
    MerlotFactory(Function<String, URL> entries) {
        super(ID, BUNDLE, entries, MerlotConfig::read, MerlotConfig::values);
    }

    @Override
    protected TrainableModel build(String modelId, MerlotConfig config) {
        return create(modelId, config);
    }

    /** Checks the id and builds the trainable; for the tests, which have no bundle context. */
    static MerlotTrainable create(String modelId, MerlotConfig config) {
        return new MerlotTrainable(checkModelId(ID, modelId, BUNDLE), config);
    }
}
