package dev.stoa.models.magic.internal;

import dev.stoa.api.FailureCode;
import dev.stoa.api.ServiceKind;
import dev.stoa.api.ServiceProperties;
import dev.stoa.api.StoaException;
import dev.stoa.api.StoaService;
import dev.stoa.api.model.ModelStore;
import dev.stoa.api.runtime.ServiceCaller;
import dev.stoa.api.service.Captioner;
import dev.stoa.api.service.TextEncoder;
import dev.stoa.djl.DjlRuntime;
import dev.stoa.nn.lm.LanguageModelFactory;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One MAGiC captioner per factory configuration {@value MagicConfig#FACTORY_PID}
 * ({@code etc/dev.stoa.magic-<name>.cfg}), served as a {@link Captioner} ({@code {"image"} -> {"text"}}),
 * {@code stoa.id=magic-<lm>-caption} unless the file names another id, {@code stoa.kind=model}. The language model is
 * read from the model store at each call (its newest version) and the CLIP is called by id, so both may be trained,
 * retrained or replaced while this serves; a call made while one is missing fails naming the key ({@code lm},
 * {@code clip}) and the fix. Edits to the file apply while Stoa runs.
 */
@Component(
        immediate = true,
        configurationPid = MagicConfig.FACTORY_PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = {})
@Designate(ocd = MagicConfig.class, factory = true)
public final class MagicComponent {

    private static final Logger LOG = LoggerFactory.getLogger(MagicComponent.class);
    private static final String ENGINE = "PyTorch";
    private static final String FILEINSTALL_FILENAME = "felix.fileinstall.filename";

    private final List<ServiceRegistration<?>> registrations = new ArrayList<>();
    private final MagicCaptioner captioner;

    /**
     * @param context for the registration, the model store and the text encoders
     * @param djl DJL with PyTorch loaded
     * @param decoders the {@code gpt} language-model factory
     * @param caller the platform's in-process caller, for the CLIP image service
     * @param config the captioner's settings
     * @param properties the same, untyped, for the file they came from
     */
    @Activate
    public MagicComponent(
            BundleContext context,
            @Reference(target = "(djl.engines=" + ENGINE + ")") DjlRuntime djl,
            @Reference(target = "(" + ServiceProperties.ID + "=gpt)") LanguageModelFactory decoders,
            @Reference ServiceCaller caller,
            MagicConfig config,
            Map<String, Object> properties) {
        Object file = properties.get(FILEINSTALL_FILENAME);
        String source = String.valueOf(file != null ? file : properties.get("service.pid"));
        MagicSettings settings = MagicSettings.of(config, source);
        StoreLanguageModels models = new StoreLanguageModels(
                ModelStore.at(context.getProperty("stoa.home")),
                settings.lm(),
                decoders,
                djl::withEngineClassLoader,
                ENGINE,
                source);
        captioner =
                new MagicCaptioner(settings, models, new ClipOnBus(caller, encoders(context), settings.clip(), source));
        Hashtable<String, Object> p = new Hashtable<>();
        p.put(ServiceProperties.ID, settings.id());
        p.put(ServiceProperties.KIND, ServiceKind.MODEL.id());
        p.put("magic.lm", settings.lm());
        p.put("magic.clip", settings.clip());
        p.put("magic.k", settings.search().k());
        p.put("magic.alpha", settings.search().alpha());
        p.put("magic.beta", settings.search().beta());
        p.put("magic.lookahead", settings.search().lookahead());
        registrations.add(context.registerService(
                new String[] {StoaService.class.getName(), Captioner.class.getName()}, captioner, p));
        LOG.info(
                "MAGiC '{}': {} steered by {} (k {}, alpha {}, beta {})",
                settings.id(),
                settings.lm(),
                settings.clip(),
                settings.search().k(),
                settings.search().alpha(),
                settings.search().beta());
    }

    /** Text encoders from the OSGi registry by stoa.id, the highest ranked first, got and released per batch. */
    static ClipOnBus.TextEncoders encoders(BundleContext context) {
        return new ClipOnBus.TextEncoders() {
            @Override
            public <T> Optional<T> with(String id, Function<TextEncoder, T> use) {
                Collection<ServiceReference<TextEncoder>> refs;
                try {
                    refs = context.getServiceReferences(TextEncoder.class, "(" + ServiceProperties.ID + "=" + id + ")");
                } catch (InvalidSyntaxException e) {
                    throw new StoaException(FailureCode.BAD_CONFIG, "'" + id + "' is no service id", e);
                }
                Optional<ServiceReference<TextEncoder>> best = refs.stream().max(ServiceReference::compareTo);
                if (best.isEmpty()) {
                    return Optional.empty();
                }
                TextEncoder encoder = context.getService(best.get());
                if (encoder == null) {
                    return Optional.empty();
                }
                try {
                    return Optional.ofNullable(use.apply(encoder));
                } finally {
                    context.ungetService(best.get());
                }
            }
        };
    }

    @Deactivate
    void deactivate() {
        for (ServiceRegistration<?> r : registrations) {
            try {
                r.unregister();
            } catch (IllegalStateException alreadyGone) {
                // the framework unregisters a stopping bundle's services itself
            }
        }
        captioner.close();
    }
}
