package dev.stoa.models.merlot.internal;

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
 * The trainer's view of MERLOT: {@code model: {id: merlot, variant: tiny}}, any key of the variant file overriding it
 * ({@code layers: 2}); published as {@code merlot-<variant>} unless {@code model_id} names another {@code merlot-*}
 * id. The variant files are this bundle's {@code variants/*.properties}.
 */
@Component(
        service = TrainableModelFactory.class,
        property = {ServiceProperties.ID + "=" + MerlotFactory.ID, ServiceProperties.KIND + "=model"})
public final class MerlotFactory implements TrainableModelFactory {

    static final String ID = "merlot";
    static final String PREFIX = "merlot-";

    private final BundleContext context;

    /** @param context this bundle's context: its variant files */
    @Activate
    public MerlotFactory(BundleContext context) {
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
        MerlotConfig config = variant(variant).with(overrides, "model");
        String modelId = String.valueOf(options.containsKey("model_id") ? options.get("model_id") : PREFIX + variant);
        return create(modelId, config);
    }

    /** Checks the id and builds the trainable; for the tests, which have no bundle context. */
    static MerlotTrainable create(String modelId, MerlotConfig config) {
        if (!modelId.startsWith(PREFIX) || !modelId.substring(PREFIX.length()).matches("[a-z0-9][a-z0-9_-]*")) {
            throw new StoaException(
                    FailureCode.BAD_CONFIG,
                    "model.model_id is '" + modelId + "'; name it '" + PREFIX
                            + "<name>' (lower-case letters, digits, - and _) so the merlot bundle serves it");
        }
        return new MerlotTrainable(modelId, config);
    }

    /** @return a variant file of this bundle, read */
    static MerlotConfig variant(URL url, String name) {
        Properties p = new Properties();
        try (InputStream in = url.openStream()) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return MerlotConfig.read(name, p, "variants/" + name + ".properties");
    }

    private MerlotConfig variant(String name) {
        URL url = name.matches("[a-z0-9_-]+") ? context.getBundle().getEntry("variants/" + name + ".properties") : null;
        if (url == null) {
            throw new StoaException(
                    FailureCode.BAD_CONFIG,
                    "model.variant is '" + name + "'; use 'tiny' (files in the merlot bundle's variants/)");
        }
        return variant(url, name);
    }
}
