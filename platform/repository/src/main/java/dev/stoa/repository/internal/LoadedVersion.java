package dev.stoa.repository.internal;

import dev.stoa.api.engine.EngineChoice;
import dev.stoa.api.model.ModelService;
import dev.stoa.api.model.OpenedModel;
import java.util.ArrayList;
import java.util.List;
import org.osgi.framework.ServiceRegistration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One opened version of a model and its registrations: under the model's plain service ids while it is the serving
 * version, and under {@code <id>.v<n>} while its policy may load several versions.
 */
final class LoadedVersion {

    private static final Logger LOG = LoggerFactory.getLogger(LoadedVersion.class);

    final int number;
    final OpenedModel model;
    /** The engine it serves on and why. */
    final EngineChoice engine;

    final List<ServiceRegistration<?>> serving = new ArrayList<>();
    final List<ServiceRegistration<?>> versioned = new ArrayList<>();

    LoadedVersion(int number, OpenedModel model, EngineChoice engine) {
        this.number = number;
        this.model = model;
        this.engine = engine;
    }

    List<String> serviceIds() {
        return model.services().stream().map(ModelService::id).toList();
    }

    List<String> versionedIds() {
        return model.services().stream().map(s -> versionedId(s.id(), number)).toList();
    }

    static String versionedId(String serviceId, int version) {
        return serviceId + ".v" + version;
    }

    /** Unregisters every registration of the list; the bus drains each instance before this returns. */
    static void unregister(List<ServiceRegistration<?>> registrations) {
        for (ServiceRegistration<?> r : registrations) {
            try {
                r.unregister();
            } catch (IllegalStateException alreadyGone) {
                // the framework unregistered it as the provider's bundle stopped
            }
        }
        registrations.clear();
    }

    /** Withdraws every registration, then frees the version. */
    void withdrawAndClose(String modelId) {
        unregister(serving);
        unregister(versioned);
        try {
            model.close();
        } catch (RuntimeException e) {
            LOG.warn("{} version {}: closing failed: {}", modelId, number, e.toString());
        }
    }
}
