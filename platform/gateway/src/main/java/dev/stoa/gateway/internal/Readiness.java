package dev.stoa.gateway.internal;

import dev.stoa.api.model.ModelInfo;
import dev.stoa.api.model.ModelRepository;
import dev.stoa.api.model.ModelState;
import dev.stoa.api.runtime.ExportedService;
import dev.stoa.api.runtime.ServiceDirectory;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;

/**
 * Decides {@code GET /health/ready}, as a Kubernetes readiness probe expects: the framework is fully started, every
 * platform bundle (all but those dropped into {@code deploy/}, which can be broken without taking the platform down)
 * is active, and every service listed in {@link GatewayConfig#requiredServices()} is available on the bus and, when
 * it belongs to a model, that model is {@code READY}. The shipped configuration requires the services that are ready
 * without training (the sentence encoder, OCR).
 *
 * <p>The answer also lists every model of the repository with its state: a model that is {@code UNTRAINED} or
 * {@code TRAINING} is shown as such and does not hold readiness (training takes minutes to hours; the platform
 * serves everything else meanwhile).
 */
final class Readiness {

    private final BundleContext context;
    private final List<String> requiredServices;

    Readiness(BundleContext context, List<String> requiredServices) {
        this.context = context;
        this.requiredServices = List.copyOf(requiredServices);
    }

    /**
     * @param directory the bus's directory, or {@code null} when the bus is not up
     * @param deployPrefix location prefix of bundles from {@code deploy/}, or {@code null} when there is none
     * @param models the model repository, or {@code null} when it is not running
     * @return {@code {"status": "UP"|"DOWN", "checks": [...], "models": [...]}}: each check has a name, a status and,
     *     when down, why; each model its id, state and message (models never change the status)
     */
    JsonObject check(ServiceDirectory directory, String deployPrefix, ModelRepository models) {
        JsonArray checks = new JsonArray();
        boolean up = true;

        Bundle system = context.getBundle(0);
        boolean frameworkUp = system.getState() == Bundle.ACTIVE;
        up &= add(checks, "framework", frameworkUp, "the OSGi framework is still starting");

        String inactive = Arrays.stream(context.getBundles())
                .filter(b -> b.getBundleId() != 0)
                .filter(b -> deployPrefix == null || !b.getLocation().startsWith(deployPrefix))
                .filter(b -> b.getHeaders().get("Fragment-Host") == null)
                .filter(b -> b.getState() != Bundle.ACTIVE)
                .map(b -> b.getSymbolicName() + " is " + BundleInspector.stateName(b.getState()))
                .collect(Collectors.joining(", "));
        up &= add(checks, "platform-bundles", inactive.isEmpty(), inactive + "; see GET /v1/bundles");

        up &= add(checks, "event-bus", directory != null, "the event-bus exporter (dev.stoa.bus) is not running");

        if (directory != null) {
            Map<String, ExportedService> byId = directory.services().stream()
                    .collect(Collectors.toMap(ExportedService::id, Function.identity(), (a, b) -> a));
            for (String id : requiredServices) {
                ExportedService s = byId.get(id);
                boolean available = s != null && "available".equals(s.state());
                Optional<ModelInfo> model = models == null ? Optional.empty() : models.modelOfService(id);
                boolean modelReady =
                        model.map(m -> m.status().state() == ModelState.READY).orElse(true);
                String whyDown = s == null
                        ? "required service '" + id + "' is not installed; drop its bundle into deploy/"
                        : !available
                                ? "required service '" + id + "' is " + s.state()
                                : model.map(m -> "required service '" + id + "' belongs to model " + m.id()
                                                + ", which is " + m.status().state() + ": "
                                                + m.status().message())
                                        .orElse("");
                up &= add(checks, "service:" + id, available && modelReady, whyDown);
            }
        }
        JsonArray listed = new JsonArray();
        if (models != null) {
            for (ModelInfo m : models.models()) {
                listed.add(new JsonObject()
                        .put("id", m.id())
                        .put("state", m.status().state().name())
                        .put("message", m.status().message()));
            }
        }
        return new JsonObject()
                .put("status", up ? "UP" : "DOWN")
                .put("checks", checks)
                .put("models", listed);
    }

    private static boolean add(JsonArray checks, String name, boolean ok, String whyDown) {
        JsonObject c = new JsonObject().put("name", name).put("status", ok ? "UP" : "DOWN");
        if (!ok) {
            c.put("reason", whyDown);
        }
        checks.add(c);
        return ok;
    }
}
