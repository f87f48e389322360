package dev.stoa.models.fusion.internal;

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
 * The trainer's view of VisualBERT: {@code model: {id: visualbert, variant: tiny}}, any key of the variant file
 * overriding it ({@code layers: 2}); published as {@code visualbert-<variant>} unless {@code model_id} names another
 * {@code visualbert-*} id. The variant files are this bundle's {@code variants/*.properties}.
 */
@Component(
        service = TrainableModelFactory.class,
        property = {ServiceProperties.ID + "=" + VisualBertFactory.ID, ServiceProperties.KIND + "=model"})
public final class VisualBertFactory extends VariantModelFactory<VisualBertConfig> {

    static final String ID = "visualbert";
    static final String PREFIX = ID + "-";
    static final String BUNDLE = "fusion";

    /** @param context this bundle's context: its variant files */
    @Activate
    public VisualBertFactory(BundleContext context) {
        this(context.getBundle()::getEntry);
    }

    /** @param entries the variant files by path, e.g. from the class path (the tests and benchmarks) */
    VisualBertFactory(Function<String, URL> entries) {
        super(ID, BUNDLE, entries, VisualBertConfig::read, VisualBertConfig::values);
    }

    @Override
    protected TrainableModel build(String modelId, VisualBertConfig config) {
        return create(modelId, config);
    }

    /** Checks the id and builds the trainable; for the tests, which have no bundle context. */
    static VisualBertTrainable create(String modelId, VisualBertConfig config) {
        return new VisualBertTrainable(checkModelId(ID, modelId, BUNDLE), config);
    }
}
