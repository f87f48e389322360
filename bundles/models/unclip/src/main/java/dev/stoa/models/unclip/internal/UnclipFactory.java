package dev.stoa.models.unclip.internal;

import dev.stoa.api.FailureCode;
import dev.stoa.api.ServiceProperties;
import dev.stoa.api.StoaException;
import dev.stoa.api.model.ModelStore;
import dev.stoa.api.runtime.ServiceCaller;
import dev.stoa.nn.train.TrainableModel;
import dev.stoa.nn.train.TrainableModelFactory;
import dev.stoa.nn.train.VariantModelFactory;
import java.net.URL;
import java.util.function.Function;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The trainer's view of unCLIP: {@code model: {id: unclip, variant: tiny}}, any key of the variant file overriding it
 * ({@code channels: 48}); published as {@code unclip-<variant>} unless {@code model_id} names another {@code unclip-*}
 * id. The loss is {@code diffusion} (a mean squared error, here over the decoder's noise and the prior's embedding;
 * {@link UnclipTrainable#lossInputs}). Creating a model needs the trained CLIP ({@code clip_model}, clip-tiny) in the
 * model store and its {@code -text} and {@code -image} services.
 */
@Component(
        service = TrainableModelFactory.class,
        property = {ServiceProperties.ID + "=" + UnclipFactory.ID, ServiceProperties.KIND + "=model"})
public final class UnclipFactory extends VariantModelFactory<UnclipConfig> {

    static final String ID = "unclip";
    static final String PREFIX = ID + "-";
    static final String BUNDLE = "unclip";
    /** How long to wait for the model repository to serve a CLIP that is in the store (it scans it every second). */
    private static final long CLIP_WAIT_MILLIS = 15_000;

    private final Function<String, ClipEmbedder> clips;

    /**
     * @param context this bundle's context: its variant files, and the store's home
     * @param caller the platform's in-process caller, for CLIP's services
     */
    @Activate
    public UnclipFactory(BundleContext context, @Reference ServiceCaller caller) {
        this(context.getBundle()::getEntry, clipModel -> {
            ModelStore store = ModelStore.at(context.getProperty("stoa.home"));
            if (store.latest(clipModel).isEmpty()) {
                throw new StoaException(
                        FailureCode.BAD_CONFIG,
                        "model.clip_model: '" + clipModel + "' is not in the model store (" + store.root()
                                + "); unCLIP reads a trained, frozen CLIP: train etc/train/clip-shapes.yaml first"
                                + " (bin/stoa train etc/train/clip-shapes.yaml)");
            }
            return waitForClip(new ClipServiceEmbedder(caller, clipModel));
        });
    }

    /**
     * @param entries the variant files by path, e.g. from the class path (the tests and benchmarks)
     * @param clips the frozen CLIP of a {@code clip_model} id
     */
    UnclipFactory(Function<String, URL> entries, Function<String, ClipEmbedder> clips) {
        super(ID, BUNDLE, entries, UnclipConfig::read, UnclipConfig::values);
        this.clips = clips;
    }

    @Override
    protected TrainableModel build(String modelId, UnclipConfig config) {
        String id = checkModelId(ID, modelId, BUNDLE);
        ClipEmbedder clip = clips.apply(config.clipModel());
        return new UnclipTrainable(id, config, new Unclip(config, clip.dimension()), clip);
    }

    private static ClipEmbedder waitForClip(ClipServiceEmbedder clip) {
        long deadline = System.currentTimeMillis() + CLIP_WAIT_MILLIS;
        while (true) {
            try {
                clip.dimension();
                return clip;
            } catch (StoaException e) {
                if (System.currentTimeMillis() > deadline) {
                    throw e;
                }
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StoaException(FailureCode.UNAVAILABLE, "interrupted while waiting for CLIP");
            }
        }
    }
}
