package dev.stoa.models.dalle.internal;

import dev.stoa.api.FailureCode;
import dev.stoa.api.ServiceProperties;
import dev.stoa.api.StoaException;
import dev.stoa.api.model.ModelStore;
import dev.stoa.api.runtime.ServiceCaller;
import dev.stoa.nn.train.TrainableModel;
import dev.stoa.nn.train.TrainableModelFactory;
import dev.stoa.nn.train.VariantModelFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The trainer's view of DALL-E's second stage, the transformer: {@code model: {id: dalle, variant: tiny}}, any key of
 * the variant file overriding it; published as {@code dalle-<variant>} unless {@code model_id} names another
 * {@code dalle-*} id (not a {@code dalle-dvae-*} one, which are the first stage's). Creating a model needs the discrete
 * VAE {@code dvae_model} in the store: its newest version is frozen under the transformer and recorded in the trained
 * version.
 */
@Component(
        service = TrainableModelFactory.class,
        property = {ServiceProperties.ID + "=" + DalleFactory.ID, ServiceProperties.KIND + "=model"})
public final class DalleFactory extends VariantModelFactory<DalleConfig> {

    static final String ID = "dalle";
    static final String PREFIX = ID + "-";
    static final String BUNDLE = "dalle";

    private final ModelStore store;
    private final ServiceCaller caller;

    /**
     * @param context this bundle's context: its variant files, the store's place
     * @param caller the platform's in-process caller, for the evaluation's CLIP reranking
     */
    @Activate
    public DalleFactory(BundleContext context, @Reference ServiceCaller caller) {
        this(context.getBundle()::getEntry, ModelStore.at(context.getProperty("stoa.home")), caller);
    }

    /**
     * @param entries the variant files by path, e.g. from the class path (the tests and benchmarks)
     * @param store the model store holding the dVAE
     * @param caller the caller for CLIP, or null for no reranking in the evaluation
     */
    DalleFactory(Function<String, URL> entries, ModelStore store, ServiceCaller caller) {
        super(ID, BUNDLE, entries, DalleConfig::read, DalleConfig::values);
        this.store = store;
        this.caller = caller;
    }

    /** The dVAE's version is set by training, so defaults() does not show it. */
    @Override
    protected Map<String, Object> shownValues(DalleConfig config) {
        Map<String, Object> values = config.values();
        values.remove("dvae_version");
        return values;
    }

    @Override
    protected void checkOverrides(Map<String, ?> overrides) {
        if (overrides.containsKey("dvae_version")) {
            throw new StoaException(
                    FailureCode.BAD_CONFIG,
                    "model.dvae_version is set by training (the newest version of dvae_model); remove it");
        }
    }

    @Override
    protected TrainableModel build(String modelId, DalleConfig config) {
        if (modelId.startsWith(DvaeFactory.PREFIX)) {
            throw new StoaException(
                    FailureCode.BAD_CONFIG,
                    "model.model_id is '" + modelId + "'; " + DvaeFactory.PREFIX + "* ids are the discrete VAE's"
                            + " (model id " + DvaeFactory.ID + "); name the transformer '" + PREFIX + "<name>'");
        }
        String id = checkModelId(ID, modelId, BUNDLE);
        Path dir = StoredDalle.dvaeFolder(store, config.dvaeModel(), 0, "model.dvae_model");
        int version = Integer.parseInt(dir.getFileName().toString());
        try {
            DvaeConfig dvae = StoredDvae.config(dir);
            return new DalleTrainable(
                    id,
                    config.withDvaeVersion(version),
                    dvae,
                    dir,
                    null,
                    caller == null ? null : new ClipReranker(caller));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
