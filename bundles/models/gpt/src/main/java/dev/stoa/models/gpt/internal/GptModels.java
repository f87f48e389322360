package dev.stoa.models.gpt.internal;

import dev.stoa.api.ServiceProperties;
import dev.stoa.api.StoaService;
import dev.stoa.api.generation.TextGenerator;
import dev.stoa.djl.DjlRuntime;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.Hashtable;
import java.util.List;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves every GPT variant of this bundle ({@code variants/*.properties}) as a {@link TextGenerator},
 * {@code stoa.id=gpt-<variant>}, {@code stoa.kind=model}. Weights load from
 * {@code ${stoa.home}/data/models/gpt-<variant>/gpt.params} when present; otherwise the variant serves random
 * weights, its service carries {@code gpt.trained=false} and its answers {@code "trained": false} (CLIP's
 * convention), and the log says {@code UNTRAINED}. A variant whose file or weights are wrong is logged and skipped.
 */
@Component(immediate = true)
public final class GptModels {

    private static final Logger LOG = LoggerFactory.getLogger(GptModels.class);
    private static final String ENGINE = "PyTorch";

    private final List<GptGenerator> generators = new ArrayList<>();
    private final List<ServiceRegistration<?>> registrations = new ArrayList<>();

    /**
     * @param context this bundle's context, for its variant files and the registrations
     * @param djl DJL with PyTorch loaded
     * @throws Exception if DJL cannot run the set-up
     */
    @Activate
    public GptModels(BundleContext context, @Reference(target = "(djl.engines=" + ENGINE + ")") DjlRuntime djl)
            throws Exception {
        String home = context.getProperty("stoa.home");
        Path models = Path.of(home == null ? "." : home, "data", "models");
        for (GptVariant variant : variants(context)) {
            try {
                GptGenerator generator = djl.withEngineClassLoader(
                        () -> GptGenerator.open(variant, models.resolve(variant.id()), ENGINE));
                generators.add(generator);
                registrations.add(context.registerService(new String[] {TextGenerator.class.getName(),
                    StoaService.class.getName()}, generator, properties(generator)));
                LOG.info("{}: serving {} weights ({} positions)", variant.id(),
                        generator.trained() ? "trained" : "UNTRAINED random", variant.contextLength());
            } catch (RuntimeException e) {
                LOG.error("{}: not served: {}", variant.id(), e.getMessage());
            }
        }
    }

    private static List<GptVariant> variants(BundleContext context) throws IOException {
        Enumeration<URL> files = context.getBundle().findEntries("variants", "*.properties", false);
        List<URL> sorted = files == null ? List.of() : new ArrayList<>(Collections.list(files));
        List<GptVariant> out = new ArrayList<>();
        for (URL url : sorted.stream().sorted((a, b) -> a.getPath().compareTo(b.getPath())).toList()) {
            String file = url.getPath().substring(url.getPath().lastIndexOf('/') + 1);
            try (InputStream in = url.openStream()) {
                out.add(GptVariant.read(file.substring(0, file.length() - ".properties".length()), in));
            } catch (RuntimeException e) {
                LOG.error("variants/{}: skipped: {}", file, e.getMessage());
            }
        }
        return out;
    }

    private static Hashtable<String, Object> properties(GptGenerator generator) {
        Hashtable<String, Object> p = new Hashtable<>();
        p.put(ServiceProperties.ID, generator.variant().id());
        p.put(ServiceProperties.KIND, "model");
        p.put(ServiceProperties.VERSION, "1.0.0");
        p.put("gpt.variant", generator.variant().name());
        // whether the weights came from data/models/<id>/gpt.params; false means random, untrained weights
        p.put("gpt.trained", generator.trained());
        p.put("context.length", generator.variant().contextLength());
        return p;
    }

    /** Unregisters the services, then frees the models' native memory. */
    @Deactivate
    public void deactivate() {
        for (ServiceRegistration<?> r : registrations) {
            try {
                r.unregister();
            } catch (IllegalStateException alreadyGone) {
                // unregistered by the framework as the bundle stops
            }
        }
        generators.forEach(GptGenerator::close);
    }
}
