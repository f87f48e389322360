package dev.stoa.models.frozen.internal;

import dev.stoa.api.FailureCode;
import dev.stoa.api.ServiceProperties;
import dev.stoa.api.StoaException;
import dev.stoa.api.model.ModelStore;
import dev.stoa.nn.encoder.EncoderFactory;
import dev.stoa.nn.lm.LanguageModelFactory;
import dev.stoa.nn.lm.PretrainedLanguageModel;
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
 * The trainer's view of Frozen: {@code model: {id: frozen, variant: tiny}}, any key of the variant file overriding it
 * ({@code prefix_length: 4}); published as {@code frozen-<variant>} unless {@code model_id} names another
 * {@code frozen-*} id. Creating a model needs the frozen language model in the store ({@link PretrainedLanguageModel});
 * the version it starts from is recorded in the trained version.
 */
@Component(
        service = TrainableModelFactory.class,
        property = {ServiceProperties.ID + "=" + FrozenFactory.ID, ServiceProperties.KIND + "=model"})
public final class FrozenFactory extends VariantModelFactory<FrozenConfig> {

    static final String ID = "frozen";
    static final String PREFIX = ID + "-";
    static final String BUNDLE = "frozen";
    /** The training file that pretrains the frozen language model, for messages. */
    static final String LM_FILE = "bundles/models/clipcap/examples/train/gpt-captions.yaml";

    /** The encoders bundle's ResNet: CoCa's image tower, pooled. */
    static final String IMAGE_ENCODER = "(stoa.id=resnet)";

    private final LanguageModelFactory lms;
    private final EncoderFactory resnet;
    private final ModelStore store;

    /**
     * @param context this bundle's context: its variant files, the store's place
     * @param lms the {@code gpt} language-model factory
     * @param resnet the ResNet image encoder factory
     */
    @Activate
    public FrozenFactory(
            BundleContext context,
            @Reference(target = "(" + ServiceProperties.ID + "=gpt)") LanguageModelFactory lms,
            @Reference(target = IMAGE_ENCODER) EncoderFactory resnet) {
        this(context.getBundle()::getEntry, lms, resnet, ModelStore.at(context.getProperty("stoa.home")));
    }

    /**
     * @param entries the variant files by path, e.g. from the class path (the tests and benchmarks)
     * @param lms the language-model factory
     * @param resnet the ResNet image encoder factory
     * @param store the model store holding the language model
     */
    FrozenFactory(Function<String, URL> entries, LanguageModelFactory lms, EncoderFactory resnet, ModelStore store) {
        super(ID, BUNDLE, entries, FrozenConfig::read, FrozenConfig::values);
        this.lms = lms;
        this.resnet = resnet;
        this.store = store;
    }

    /** The language model's version is set by training, so defaults() does not show it. */
    @Override
    protected Map<String, Object> shownValues(FrozenConfig config) {
        Map<String, Object> values = config.values();
        values.remove("lm_version");
        return values;
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
    protected TrainableModel build(String modelId, FrozenConfig config) {
        PretrainedLanguageModel lm = PretrainedLanguageModel.latest(store, config.lmModel(), "model.lm_model", LM_FILE);
        return create(modelId, config, lm, lms, resnet);
    }

    /** Builds the trainable on a published language model; for the tests, which have no bundle context. */
    static FrozenTrainable create(
            String modelId,
            FrozenConfig config,
            PretrainedLanguageModel lm,
            LanguageModelFactory lms,
            EncoderFactory resnet) {
        FrozenConfig built = config.withLmVersion(lm.version());
        return new FrozenTrainable(checkModelId(ID, modelId, BUNDLE), built, model(built, lm, lms, resnet), lm);
    }

    /** @return the block of a variant, uninitialised: the vision side and the language model's block */
    static Frozen model(
            FrozenConfig config, PretrainedLanguageModel lm, LanguageModelFactory lms, EncoderFactory resnet) {
        return new Frozen(
                config, lm.create(lms), lm.promptLength(), config.usesResnet() ? resnet.create(config.resnet()) : null);
    }
}
