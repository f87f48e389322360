package dev.stoa.models.fusion.internal;

import dev.stoa.api.FailureCode;
import dev.stoa.api.ServiceProperties;
import dev.stoa.api.StoaException;
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

/**
 * The trainer's view of ViLBERT: {@code model: {id: vilbert, variant: tiny}}, any key of the variant file overriding
 * it ({@code co_layers: 1}); published as {@code vilbert-<variant>} unless {@code model_id} names another
 * {@code vilbert-*} id. The variant files are this bundle's {@code variants/vilbert-*.properties} (VisualBERT's are
 * {@code variants/<name>.properties}).
 */
@Component(
        service = TrainableModelFactory.class,
        property = {ServiceProperties.ID + "=" + VilbertFactory.ID, ServiceProperties.KIND + "=model"})
public final class VilbertFactory implements TrainableModelFactory {

    static final String ID = "vilbert";
    static final String PREFIX = "vilbert-";

    private final BundleContext context;

    /** @param context this bundle's context: its variant files */
    @Activate
    public VilbertFactory(BundleContext context) {
        this.context = context;
    }

    @Override
    public Map<String, Object> defaults() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("variant", "tiny");
        d.put("model_id", PREFIX + "<variant>");
        d.putAll(variant("tiny").values());
        return d;
    }

    @Override
    public TrainableModel create(Map<String, ?> options) {
        String variant = String.valueOf(options.containsKey("variant") ? options.get("variant") : "tiny");
        Map<String, Object> overrides = new HashMap<>(options);
        overrides.remove("variant");
        overrides.remove("model_id");
        VilbertConfig config = variant(variant).with(overrides, "model");
        String modelId = String.valueOf(options.containsKey("model_id") ? options.get("model_id") : PREFIX + variant);
        return create(modelId, config);
    }

    /** Checks the id and builds the trainable; for the tests, which have no bundle context. */
    static VilbertTrainable create(String modelId, VilbertConfig config) {
        if (!modelId.startsWith(PREFIX) || !modelId.substring(PREFIX.length()).matches("[a-z0-9][a-z0-9_-]*")) {
            throw new StoaException(
                    FailureCode.BAD_CONFIG,
                    "model.model_id is '" + modelId + "'; name it '" + PREFIX
                            + "<name>' (lower-case letters, digits, - and _) so the fusion bundle serves it");
        }
        return new VilbertTrainable(modelId, config);
    }

    /** @return the variant file's name of a variant */
    static String file(String name) {
        return "variants/" + PREFIX + name + ".properties";
    }

    private VilbertConfig variant(String name) {
        URL url = name.matches("[a-z0-9_-]+") ? context.getBundle().getEntry(file(name)) : null;
        if (url == null) {
            throw new StoaException(
                    FailureCode.BAD_CONFIG,
                    "model.variant is '" + name + "'; use 'tiny' (files vilbert-<variant>.properties in the fusion"
                            + " bundle's variants/)");
        }
        Properties p = new Properties();
        try (InputStream in = url.openStream()) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return VilbertConfig.read(name, p, file(name));
    }
}
