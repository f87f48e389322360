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
import dev.stoa.nn.train.VariantModelFactory;
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
public final class VcGptFactory extends VariantModelFactory<VcGptConfig> {

    static final String ID = "vcgpt";
    static final String PREFIX = ID + "-";
    /** The training file that pretrains the frozen language model, for messages. */
    static final String LM_FILE = "bundles/models/clipcap/examples/train/gpt-captions.yaml";
    /** How long to wait for the model repository to serve a CLIP that is in the store (it scans it every second). */
    private static final long CLIP_WAIT_MILLIS = 15_000;

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
        super(ID, "vcgpt", context.getBundle()::getEntry, VcGptConfig::read, VcGptFactory::values);
        this.lms = lms;
        this.caller = caller;
        this.store = ModelStore.at(context.getProperty("stoa.home"));
    }

    /** @return a config's keys in the order of {@link VcGptConfig#defaults()} */
    static Map<String, Object> values(VcGptConfig config) {
        Properties p = config.toProperties();
        Map<String, Object> m = new LinkedHashMap<>();
        for (String key : VcGptConfig.defaults().keySet()) {
            m.put(key, p.getProperty(key));
        }
        return m;
    }

    /** What a training file may set: every key but {@code lm_version}, which training records. */
    @Override
    protected Map<String, Object> shownValues(VcGptConfig config) {
        Map<String, Object> d = VcGptConfig.defaults();
        d.remove("lm_version");
        return d;
    }

    @Override
    protected void checkOverrides(Map<String, ?> overrides) {
        if (overrides.containsKey("lm_version")) {
            throw new StoaException(
                    FailureCode.BAD_CONFIG,
                    "model.lm_version is set by training (the newest version of lm_model); remove it");
        }
    }

    @Override
    protected TrainableModel build(String modelId, VcGptConfig config) {
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
}
