package dev.stoa.models.vcgpt.internal;

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
 * The trainer's view of VC-GPT: {@code model: {id: vcgpt, variant: tiny}}, any key of the variant file overriding it
 * ({@code logits: fused}). Creating a model needs the frozen CLIP in the model store and its
 * {@code <clip>-image-tokens} service, and the frozen language model in the store ({@link PretrainedLanguageModel});
 * the version of the language model it starts from is recorded in the trained version.
 */
@Component(
        service = TrainableModelFactory.class,
        property = {ServiceProperties.ID + "=" + VcGptFactory.ID, ServiceProperties.KIND + "=model"})
public final class VcGptFactory implements TrainableModelFactory {

    static final String ID = "vcgpt";
    static final String PREFIX = "vcgpt-";
    /** The training file that pretrains the frozen language model, for messages. */
    static final String LM_FILE = "bundles/models/clipcap/examples/train/gpt-captions.yaml";
    /** How long to wait for the model repository to serve a CLIP that is in the store (it scans it every second). */
    private static final long CLIP_WAIT_MILLIS = 15_000;

    private final BundleContext context;
    private final LanguageModelFactory lms;
    private final ServiceCaller caller;
    private final ModelStore store;

    /**
     * @param context this bundle's context: its variant files, the store's place
     * @param lms the {@code gpt} language-model factory
     * @param caller the platform's in-process caller, for the CLIP grid service
     */
    @Activate
    public VcGptFactory(
            BundleContext context,
            @Reference(target = "(" + ServiceProperties.ID + "=gpt)") LanguageModelFactory lms,
            @Reference ServiceCaller caller) {
        this.context = context;
        this.lms = lms;
        this.caller = caller;
        this.store = ModelStore.at(context.getProperty("stoa.home"));
    }

    @Override
    public Map<String, Object> defaults() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("variant", "tiny");
        d.put("model_id", PREFIX + "<variant>");
        d.putAll(VcGptConfig.defaults());
        d.remove("lm_version");
        return d;
    }

    @Override
    public TrainableModel create(Map<String, ?> options) {
        String variant = String.valueOf(options.containsKey("variant") ? options.get("variant") : "tiny");
        Map<String, Object> overrides = new HashMap<>(options);
        overrides.remove("variant");
        overrides.remove("model_id");
        if (overrides.containsKey("lm_version")) {
            throw new StoaException(
                    FailureCode.BAD_CONFIG,
                    "model.lm_version is set by training (the newest version of lm_model); remove it");
        }
        VcGptConfig config = variant(variant).with(overrides, "model");
        String modelId = String.valueOf(options.containsKey("model_id") ? options.get("model_id") : PREFIX + variant);
        if (!modelId.startsWith(PREFIX)) {
            throw new StoaException(
                    FailureCode.BAD_CONFIG,
                    "model.model_id is '" + modelId + "'; start it with '" + PREFIX
                            + "' so the vcgpt bundle serves it");
        }
        if (store.latest(config.clipModel()).isEmpty()) {
            throw new StoaException(
                    FailureCode.BAD_CONFIG,
                    "model.clip_model: '" + config.clipModel() + "' is not in the model store (" + store.root()
                            + "); VC-GPT reads a trained CLIP's grid features: train it first (bin/stoa train"
                            + " etc/train/clip-shapes-scenes.yaml)");
        }
        PretrainedLanguageModel lm = PretrainedLanguageModel.latest(store, config.lmModel(), "model.lm_model", LM_FILE);
        ImageGrid grid = waitForClip(config.clipModel());
        VcGptConfig built = config.withLmVersion(lm.version());
        return new VcGptTrainable(modelId, built, new VcGpt(built, lm.create(lms), lm.promptLength()), grid, lm);
    }

    private ImageGrid waitForClip(String clipModel) {
        long deadline = System.currentTimeMillis() + CLIP_WAIT_MILLIS;
        while (true) {
            try {
                return new ClipServiceGrid(caller, clipModel);
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

    private VcGptConfig variant(String name) {
        URL url = name.matches("[a-z0-9_-]+") ? context.getBundle().getEntry("variants/" + name + ".properties") : null;
        if (url == null) {
            throw new StoaException(
                    FailureCode.BAD_CONFIG,
                    "model.variant is '" + name + "'; use 'tiny' (files in the vcgpt bundle's variants/)");
        }
        Properties p = new Properties();
        try (InputStream in = url.openStream()) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return VcGptConfig.read(name, p, "variants/" + name + ".properties");
    }
}
