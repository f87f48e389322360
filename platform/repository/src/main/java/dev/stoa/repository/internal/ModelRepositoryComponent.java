package dev.stoa.repository.internal;

import dev.stoa.api.command.StoaCommand;
import dev.stoa.api.engine.InferenceEngine;
import dev.stoa.api.metrics.MetricsSource;
import dev.stoa.api.metrics.PrometheusText;
import dev.stoa.api.model.ModelInfo;
import dev.stoa.api.model.ModelProvider;
import dev.stoa.api.model.ModelRepository;
import dev.stoa.api.model.ModelState;
import dev.stoa.api.model.ModelStore;
import dev.stoa.api.train.TrainingService;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.Designate;

/**
 * The {@link ModelRepository} service: serves the models of every {@link ModelProvider} from the model store
 * ({@code ${stoa.home}/data/models}), and reports each model's status as {@code stoa_model_status} in
 * {@code /metrics}. A configuration change applies in place: nothing that still serves is withdrawn.
 */
@Component(
        immediate = true,
        configurationPid = "dev.stoa.repository",
        service = {ModelRepository.class, MetricsSource.class})
@Designate(ocd = RepositoryConfig.class)
public final class ModelRepositoryComponent implements ModelRepository, MetricsSource {

    private final Repository repository;
    /** The inference engines registered now, by {@code stoa.engine}. */
    private final Map<String, InferenceEngine> engines = new ConcurrentHashMap<>();

    private final ServiceRegistration<StoaCommand> exportCommand;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile TrainingService trainer;

    /**
     * @param context this bundle's context, for {@code stoa.home}
     * @param config the settings of etc/dev.stoa.repository.cfg
     */
    @Activate
    public ModelRepositoryComponent(BundleContext context, RepositoryConfig config) {
        String home = context.getProperty("stoa.home");
        Path root = Path.of(home == null ? "." : home).toAbsolutePath();
        this.repository = new Repository(
                ModelStore.at(root.toString()),
                root,
                () -> trainer,
                Settings.from(config),
                name -> Optional.ofNullable(engines.get(name)));
        repository.start();
        this.exportCommand = context.registerService(StoaCommand.class, new ExportCommand(repository::export), null);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addEngine(InferenceEngine engine, Map<String, Object> properties) {
        engines.put(nameOf(engine, properties), engine);
        if (repository != null) {
            repository.reconsiderEngines();
        }
    }

    void removeEngine(InferenceEngine engine, Map<String, Object> properties) {
        engines.remove(nameOf(engine, properties), engine);
        if (repository != null) {
            repository.reconsiderEngines();
        }
    }

    private static String nameOf(InferenceEngine engine, Map<String, Object> properties) {
        Object name = properties.get(InferenceEngine.NAME_PROPERTY);
        return name != null ? name.toString() : engine.name();
    }

    @Modified
    void modified(RepositoryConfig config) {
        repository.configure(Settings.from(config));
    }

    @Deactivate
    void deactivate() {
        try {
            exportCommand.unregister();
        } catch (IllegalStateException alreadyGone) {
            // the bundle is stopping
        }
        repository.close();
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addProvider(ModelProvider provider, ServiceReference<ModelProvider> reference) {
        BundleContext context = reference.getBundle().getBundleContext();
        repository.addProvider(
                new ProviderHandle(provider, context, reference.getBundle().getSymbolicName()));
    }

    void removeProvider(ModelProvider provider) {
        repository.removeProvider(provider);
    }

    @Override
    public List<ModelInfo> models() {
        return repository.models();
    }

    @Override
    public Optional<ModelInfo> model(String id) {
        return repository.model(id);
    }

    @Override
    public Optional<ModelInfo> modelOfService(String serviceId) {
        return repository.modelOfService(serviceId);
    }

    @Override
    public ModelInfo load(String id, OptionalInt version) {
        return repository.load(id, version);
    }

    @Override
    public ModelInfo unload(String id, OptionalInt version) {
        return repository.unload(id, version);
    }

    @Override
    public void writeTo(PrometheusText out) {
        List<ModelInfo> all = repository.models();
        if (all.isEmpty()) {
            return;
        }
        out.describe("stoa_model_status", "gauge", "1 for the state each model is in, 0 for the others");
        for (ModelInfo m : all) {
            for (ModelState s : ModelState.values()) {
                out.sample(
                        "stoa_model_status",
                        m.status().state() == s ? 1 : 0,
                        "model",
                        m.id(),
                        "state",
                        s.name().toLowerCase(Locale.ROOT));
            }
        }
        out.describe("stoa_model_serving_version", "gauge", "The store version that serves each model, 0 for none");
        for (ModelInfo m : all) {
            out.sample("stoa_model_serving_version", m.servingVersion(), "model", m.id());
        }
    }
}
