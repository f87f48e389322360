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
 * The trainer's view of ViLBERT: {@code model: {id: vilbert, variant: tiny}}, any key of the variant file overriding
 * it ({@code co_layers: 1}); published as {@code vilbert-<variant>} unless {@code model_id} names another
 * {@code vilbert-*} id. The variant files are this bundle's {@code variants/vilbert-*.properties} (VisualBERT's are
 * {@code variants/<name>.properties}).
 */
@Component(
        service = TrainableModelFactory.class,
        property = {ServiceProperties.ID + "=" + VilbertFactory.ID, ServiceProperties.KIND + "=model"})
public final class VilbertFactory extends VariantModelFactory<VilbertConfig> {

    static final String ID = "vilbert";
    static final String PREFIX = ID + "-";
    static final String BUNDLE = "fusion";

    /** @param context this bundle's context: its variant files */
    @Activate
    public VilbertFactory(BundleContext context) {
        this(context.getBundle()::getEntry);
    }

    /** @param entries the variant files by path, e.g. from the class path (the tests and benchmarks) */
    VilbertFactory(Function<String, URL> entries) {
        super(ID, BUNDLE, entries, VilbertConfig::read, VilbertConfig::values);
    }

    /** ViLBERT shares the fusion bundle's {@code variants/} with VisualBERT: its files are named {@code vilbert-<name>}. */
    @Override
    protected String variantFile(String name) {
        return file(name);
    }

    /** @return the variant file's path of a variant */
    static String file(String name) {
        return "variants/" + PREFIX + name + ".properties";
    }

    @Override
    protected TrainableModel build(String modelId, VilbertConfig config) {
        return create(modelId, config);
    }

    /** Checks the id and builds the trainable; for the tests, which have no bundle context. */
    static VilbertTrainable create(String modelId, VilbertConfig config) {
        return new VilbertTrainable(checkModelId(ID, modelId, BUNDLE), config);
    }
}
