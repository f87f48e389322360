package dev.stoa.models.coca.internal;

import dev.stoa.api.FailureCode;
import dev.stoa.api.ServiceProperties;
import dev.stoa.api.StoaException;
import dev.stoa.nn.encoder.EncoderFactory;
import dev.stoa.nn.train.TrainableModel;
import dev.stoa.nn.train.TrainableModelFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
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
public final class CocaFactory implements TrainableModelFactory {

    static final String ID = "coca";
    static final String PREFIX = "coca-";
    /** The encoders bundle's ResNet: CLIP's {@code tiny-resnet} tower, here with patch tokens out. */
    static final String IMAGE_ENCODER = "(stoa.id=resnet)";

    private final BundleContext context;
    private final EncoderFactory resnet;

    /**
     * @param context this bundle's context: its variant files
     * @param resnet the ResNet image encoder factory
     */
    @Activate
    public CocaFactory(BundleContext context, @Reference(target = IMAGE_ENCODER) EncoderFactory resnet) {
        this.context = context;
        this.resnet = resnet;
    }

    @Override
    public Map<String, Object> defaults() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("variant", "tiny");
        d.put("model_id", PREFIX + "<variant>");
        Map<String, Object> values = variant("tiny").values();
        values.remove("logit_scale");
        d.putAll(values);
        return d;
    }

    @Override
    public TrainableModel create(Map<String, ?> options) {
        String variant = String.valueOf(options.containsKey("variant") ? options.get("variant") : "tiny");
        Map<String, Object> overrides = new HashMap<>(options);
        overrides.remove("variant");
        overrides.remove("model_id");
        if (overrides.containsKey("logit_scale")) {
            throw new StoaException(
                    FailureCode.BAD_CONFIG,
                    "model.logit_scale is learned by the loss (its temperature option); remove it from the model");
        }
        CocaConfig config = variant(variant).with(overrides, "model");
        String modelId = String.valueOf(options.containsKey("model_id") ? options.get("model_id") : PREFIX + variant);
        return create(modelId, config, resnet);
    }

    /** Checks the id and builds the trainable; for the tests, which have no bundle context. */
    static CocaTrainable create(String modelId, CocaConfig config, EncoderFactory resnet) {
        if (!modelId.startsWith(PREFIX) || !modelId.substring(PREFIX.length()).matches("[a-z0-9][a-z0-9_-]*")) {
            throw new StoaException(
                    FailureCode.BAD_CONFIG,
                    "model.model_id is '" + modelId + "'; name it '" + PREFIX
                            + "<name>' (lower-case letters, digits, - and _) so the coca bundle serves it");
        }
        return new CocaTrainable(modelId, config, resnet.create(config.imageEncoder()));
    }

    private CocaConfig variant(String name) {
        URL url = name.matches("[a-z0-9_-]+") ? context.getBundle().getEntry("variants/" + name + ".properties") : null;
        if (url == null) {
            throw new StoaException(
                    FailureCode.BAD_CONFIG,
                    "model.variant is '" + name + "'; use 'tiny' (files in the coca bundle's variants/)");
        }
        Properties p = new Properties();
        try (InputStream in = url.openStream()) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return CocaConfig.read(name, p, "variants/" + name + ".properties");
    }
}
