package dev.stoa.models.coca.internal;

import dev.stoa.api.FailureCode;
import dev.stoa.api.ServiceProperties;
import dev.stoa.api.StoaException;
import dev.stoa.nn.encoder.EncoderFactory;
import dev.stoa.nn.train.TrainableModel;
import dev.stoa.nn.train.TrainableModelFactory;
import dev.stoa.nn.train.VariantModelFactory;
import java.net.URL;
import java.util.Map;
import java.util.function.Function;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The trainer's view of CoCa: {@code model: {id: coca, variant: tiny}}, any key of the variant file overriding it
 * ({@code text_layers: 2}); published as {@code coca-<variant>} unless {@code model_id} names another
 * {@code coca-*} id. The image encoder is the encoders bundle's {@code resnet} with {@code output=tokens}.
 */
@Component(
        service = TrainableModelFactory.class,
        property = {ServiceProperties.ID + "=" + CocaFactory.ID, ServiceProperties.KIND + "=model"})
public final class CocaFactory extends VariantModelFactory<CocaConfig> {

    static final String ID = "coca";
    static final String PREFIX = ID + "-";
    static final String BUNDLE = "coca";
    /** The encoders bundle's ResNet: CLIP's {@code tiny-resnet} tower, here with patch tokens out. */
    static final String IMAGE_ENCODER = "(stoa.id=resnet)";

    private final EncoderFactory resnet;

    /**
     * @param context this bundle's context: its variant files
     * @param resnet the ResNet image encoder factory
     */
    @Activate
    public CocaFactory(BundleContext context, @Reference(target = IMAGE_ENCODER) EncoderFactory resnet) {
        this(context.getBundle()::getEntry, resnet);
    }

    /**
     * @param entries the variant files by path, e.g. from the class path (the tests and benchmarks)
     * @param resnet the ResNet image encoder factory
     */
    CocaFactory(Function<String, URL> entries, EncoderFactory resnet) {
        super(ID, BUNDLE, entries, CocaConfig::read, CocaConfig::values);
        this.resnet = resnet;
    }

    /** The temperature is the loss's to learn, so defaults() does not show it. */
    @Override
    protected Map<String, Object> shownValues(CocaConfig config) {
        Map<String, Object> values = config.values();
        values.remove("logit_scale");
        return values;
    }

    @Override
    protected void checkOverrides(Map<String, ?> overrides) {
        if (overrides.containsKey("logit_scale")) {
            throw new StoaException(
                    FailureCode.BAD_CONFIG,
                    "model.logit_scale is learned by the loss (its temperature option); remove it from the model");
        }
    }

    @Override
    protected TrainableModel build(String modelId, CocaConfig config) {
        return create(modelId, config, resnet);
    }

    /** Checks the id and builds the trainable; for the tests, which have no bundle context. */
    static CocaTrainable create(String modelId, CocaConfig config, EncoderFactory resnet) {
        return new CocaTrainable(checkModelId(ID, modelId, BUNDLE), config, resnet.create(config.imageEncoder()));
    }
}
