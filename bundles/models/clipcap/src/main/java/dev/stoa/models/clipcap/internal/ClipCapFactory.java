package dev.stoa.models.clipcap.internal;

import dev.stoa.api.FailureCode;
import dev.stoa.api.ServiceProperties;
import dev.stoa.api.StoaException;
import dev.stoa.api.model.ModelStore;
import dev.stoa.api.runtime.ServiceCaller;
import dev.stoa.nn.lm.LanguageModelFactory;
import dev.stoa.nn.lm.PretrainedLanguageModel;
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
 * The trainer's view of ClipCap: {@code model: {id: clipcap, variant: mlp}} (or {@code transformer}), any key of
 * the variant file overriding it ({@code prefix_length: 8}). The variant files are this bundle's
 * {@code variants/*.properties}. Creating a model needs the trained CLIP in the model store (and its
 * {@code <clip>-image} service) and, for a variant with {@code decoder_model}, that pretrained decoder in the store.
 */
@Component(
        service = TrainableModelFactory.class,
        property = {ServiceProperties.ID + "=" + ClipCapFactory.ID, ServiceProperties.KIND + "=model"})
public final class ClipCapFactory implements TrainableModelFactory {

    static final String ID = "clipcap";
    static final String PREFIX = "clipcap-";
    /** How long to wait for the model repository to serve a CLIP that is in the store (it scans it every second). */
    private static final long CLIP_WAIT_MILLIS = 15_000;
    /** The training file that pretrains the frozen decoder, for messages. */
    static final String GPT_CAPTIONS_FILE = "bundles/models/clipcap/examples/train/gpt-captions.yaml";

    private final BundleContext context;
    private final LanguageModelFactory decoders;
    private final ServiceCaller caller;
    private final ModelStore store;

    /**
     * @param context this bundle's context: its variant files
     * @param decoders the {@code gpt} language-model factory
     * @param caller the platform's in-process caller, for the CLIP image service
     */
    @Activate
    public ClipCapFactory(
            BundleContext context,
            @Reference(target = "(" + ServiceProperties.ID + "=gpt)") LanguageModelFactory decoders,
            @Reference ServiceCaller caller) {
        this.context = context;
        this.decoders = decoders;
        this.caller = caller;
        this.store = ModelStore.at(context.getProperty("stoa.home"));
    }

    @Override
    public Map<String, Object> defaults() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("variant", "mlp");
        d.put("model_id", PREFIX + "<variant>");
        d.putAll(ClipCapConfig.defaults());
        return d;
    }

    @Override
    public TrainableModel create(Map<String, ?> options) {
        String variant = String.valueOf(options.containsKey("variant") ? options.get("variant") : "mlp");
        Map<String, Object> overrides = new HashMap<>(options);
        overrides.remove("variant");
        overrides.remove("model_id");
        ClipCapConfig config = variant(variant).with(overrides, "model");
        String modelId = String.valueOf(options.containsKey("model_id") ? options.get("model_id") : PREFIX + variant);
        if (!modelId.startsWith(PREFIX)) {
            throw new StoaException(
                    FailureCode.BAD_CONFIG,
                    "model.model_id is '" + modelId + "'; start it with '" + PREFIX
                            + "' so the clipcap bundle serves it");
        }
        if (store.latest(config.clipModel()).isEmpty()) {
            throw new StoaException(
                    FailureCode.BAD_CONFIG,
                    "model.clip_model: '" + config.clipModel() + "' is not in"
                            + " the model store (" + store.root()
                            + "); ClipCap embeds images with a trained CLIP: train"
                            + " etc/train/clip-shapes.yaml first (bin/stoa train etc/train/clip-shapes.yaml)");
        }
        ClipServiceEmbedder embedder = waitForClip(config.clipModel());
        Map<String, String> hyperparameters = config.decoder();
        PretrainedLanguageModel pretrained = null;
        if (!config.decoderModel().isEmpty()) {
            pretrained = PretrainedLanguageModel.latest(
                    store, config.decoderModel(), "model.decoder_model", GPT_CAPTIONS_FILE);
            hyperparameters = pretrained.hyperparameters();
            checkPromptLength(config, pretrained);
        }
        ClipCapConfig built = config.withDecoder(hyperparameters);
        return new ClipCapTrainable(
                modelId, built, new ClipCap(built, decoders.create(hyperparameters)), embedder, pretrained);
    }

    private ClipServiceEmbedder waitForClip(String clipModel) {
        long deadline = System.currentTimeMillis() + CLIP_WAIT_MILLIS;
        while (true) {
            try {
                return new ClipServiceEmbedder(caller, clipModel);
            } catch (StoaException e) {
                if (System.currentTimeMillis() > deadline) {
                    throw e;
                }
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StoaException(FailureCode.UNAVAILABLE, "interrupted while waiting for " + clipModel);
            }
        }
    }

    private ClipCapConfig variant(String name) {
        URL url = name.matches("[a-z0-9_-]+") ? context.getBundle().getEntry("variants/" + name + ".properties") : null;
        if (url == null) {
            throw new StoaException(
                    FailureCode.BAD_CONFIG,
                    "model.variant is '" + name + "'; use 'mlp' or"
                            + " 'transformer' (files in the clipcap bundle's variants/)");
        }
        Properties p = new Properties();
        try (InputStream in = url.openStream()) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return ClipCapConfig.read(name, p, "variants/" + name + ".properties");
    }

    /** A decoder pretrained with P prompt tokens before each caption reads a prefix of exactly P vectors. */
    private static void checkPromptLength(ClipCapConfig config, PretrainedLanguageModel decoder) {
        int p = decoder.promptLength();
        if (p != 0 && p != config.prefixLength()) {
            throw new StoaException(
                    FailureCode.BAD_CONFIG,
                    "model.prefix_length is " + config.prefixLength()
                            + ", but the decoder '" + config.decoderModel() + "' was pretrained with prompts of " + p
                            + " tokens before each caption; use prefix_length: " + p);
        }
    }
}
