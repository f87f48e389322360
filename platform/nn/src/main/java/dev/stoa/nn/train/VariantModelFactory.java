package dev.stoa.nn.train;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;

/**
 * A {@link TrainableModelFactory} whose options are a variant file of its bundle with any key overridden by the
 * training file's {@code model} section: {@code model: {id: simvlm, variant: tiny, text_only_fraction: 0}}. The
 * trained model is published as {@code <id>-<variant>} unless {@code model_id} names another {@code <id>-*} id (so
 * the bundle that serves the id prefix serves it). A subclass says how its config is read and what it builds; this
 * class does the rest the same way for every model.
 *
 * @param <C> the model's config, read from a variant's keys
 */
public abstract class VariantModelFactory<C> implements TrainableModelFactory {

    /** The variant {@link #defaults()} shows and {@link #create(Map)} uses when none is named. */
    public static final String DEFAULT_VARIANT = "tiny";

    /**
     * Reads a config from a variant's keys.
     *
     * @param <C> the config
     */
    @FunctionalInterface
    public interface Reader<C> {
        /**
         * @param name the variant's name
         * @param p its keys
         * @param source the file or section, for messages
         * @return the config; BAD_CONFIG naming the key when one is unknown, missing or invalid
         */
        C read(String name, Properties p, String source);
    }

    private final String id;
    private final String bundle;
    private final Function<String, URL> entries;
    private final Reader<C> reader;
    private final Function<C, Map<String, Object>> values;

    /**
     * @param id the model's id ({@code stoa.id}), also the prefix of the ids it publishes: {@code simvlm}
     * @param bundle how messages name the bundle that serves it: {@code simvlm}
     * @param entries a bundle entry by path, or null if there is none (a bundle's {@code getEntry})
     * @param reader reads the config from a variant's keys
     * @param values every key of a config with its value, in documentation order (what {@code reader} reads back)
     */
    protected VariantModelFactory(
            String id,
            String bundle,
            Function<String, URL> entries,
            Reader<C> reader,
            Function<C, Map<String, Object>> values) {
        this.id = id;
        this.bundle = bundle;
        this.entries = entries;
        this.reader = reader;
        this.values = values;
    }

    /** @return the trainable for a checked id */
    protected abstract TrainableModel build(String modelId, C config);

    /** @return the path in the bundle of a variant's file; {@code variants/<name>.properties} unless overridden */
    protected String variantFile(String name) {
        return "variants/" + name + ".properties";
    }

    /**
     * Refuses overrides a training file must not make (e.g. a value the loss owns). None by default.
     *
     * @param overrides the training file's {@code model} keys, without {@code variant} and {@code model_id}
     */
    protected void checkOverrides(Map<String, ?> overrides) {}

    /** @return the keys {@link #defaults()} shows of a config; all of its values unless overridden */
    protected Map<String, Object> shownValues(C config) {
        return values.apply(config);
    }

    @Override
    public Map<String, Object> defaults() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("variant", DEFAULT_VARIANT);
        d.put("model_id", id + "-<variant>");
        d.putAll(shownValues(variant(DEFAULT_VARIANT)));
        return d;
    }

    @Override
    public TrainableModel create(Map<String, ?> options) {
        String variant = String.valueOf(options.containsKey("variant") ? options.get("variant") : DEFAULT_VARIANT);
        Map<String, Object> overrides = new HashMap<>(options);
        overrides.remove("variant");
        overrides.remove("model_id");
        checkOverrides(overrides);
        C config = with(variant, variant(variant), overrides, "model");
        String modelId = String.valueOf(options.containsKey("model_id") ? options.get("model_id") : id + "-" + variant);
        return build(checkModelId(id, modelId, bundle), config);
    }

    /**
     * @param name the variant's name
     * @param config the variant
     * @param overrides keys to change
     * @param source how messages name the overrides: {@code model}
     * @return the variant with them applied, read again so that every value is checked
     */
    public C with(String name, C config, Map<String, ?> overrides, String source) {
        Properties p = new Properties();
        values.apply(config).forEach((k, v) -> p.setProperty(k, String.valueOf(v)));
        overrides.forEach((k, v) -> p.setProperty(k, String.valueOf(v)));
        return reader.read(name, p, source);
    }

    /**
     * @param name a variant's name
     * @return the variant file of this bundle, read; BAD_CONFIG naming {@code model.variant} if there is none
     */
    public C variant(String name) {
        URL url = name.matches("[a-z0-9_-]+") ? entries.apply(variantFile(name)) : null;
        if (url == null) {
            throw new StoaException(
                    FailureCode.BAD_CONFIG,
                    "model.variant is '" + name + "'; use '" + DEFAULT_VARIANT + "' (the files "
                            + variantFile("<variant>") + " of the " + bundle + " bundle)");
        }
        Properties p = new Properties();
        try (InputStream in = url.openStream()) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return reader.read(name, p, variantFile(name));
    }

    /**
     * @param id the model's id, the prefix of the ids it publishes
     * @param modelId the id to publish under
     * @param bundle the bundle that serves {@code <id>-*}, for the message
     * @return the id if it is {@code <id>-<name>} with a name of lower-case letters, digits, - and _
     * @throws StoaException BAD_CONFIG naming {@code model.model_id} otherwise
     */
    public static String checkModelId(String id, String modelId, String bundle) {
        String prefix = id + "-";
        if (!modelId.startsWith(prefix) || !modelId.substring(prefix.length()).matches("[a-z0-9][a-z0-9_-]*")) {
            throw new StoaException(
                    FailureCode.BAD_CONFIG,
                    "model.model_id is '" + modelId + "'; name it '" + prefix
                            + "<name>' (lower-case letters, digits, - and _) so the " + bundle + " bundle serves it");
        }
        return modelId;
    }
}
