package dev.stoa.gateway.internal;

import dev.stoa.api.runtime.DeployedArtifact;
import dev.stoa.api.runtime.DeploymentReport;
import dev.stoa.api.runtime.RefusedExport;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;

/**
 * Describes the installed bundles for {@code GET /v1/bundles} and the readiness check: state, and for each bundle
 * that is not running as it should, the reason (from the deployer's report, or a component that failed to
 * activate).
 */
final class BundleInspector {

    private final BundleContext context;

    BundleInspector(BundleContext context) {
        this.context = context;
    }

    /**
     * @param report the deploy folder's report, or {@code null} when the deployer is not running
     * @param scr the component runtime, or {@code null}
     * @param refused services the bus did not export (their id is another kind's): a problem of their bundle
     * @return one object per bundle, then one per deployed file that could not be installed
     */
    JsonArray describe(DeploymentReport report, ServiceComponentRuntime scr, List<RefusedExport> refused) {
        Map<Long, DeployedArtifact> deployed = new HashMap<>();
        List<DeployedArtifact> notInstalled = new ArrayList<>();
        if (report != null) {
            for (DeployedArtifact a : report.artifacts()) {
                if (a.bundleId() >= 0) {
                    deployed.put(a.bundleId(), a);
                } else {
                    notInstalled.add(a);
                }
            }
        }
        JsonArray out = new JsonArray();
        for (Bundle b : context.getBundles()) {
            JsonObject json = new JsonObject()
                    .put("id", b.getBundleId())
                    .put("symbolicName", b.getSymbolicName())
                    .put("version", b.getVersion().toString())
                    .put("state", stateName(b.getState()))
                    .put("location", b.getLocation());
            DeployedArtifact a = deployed.get(b.getBundleId());
            if (a != null) {
                json.put("file", a.file());
            }
            List<String> problems = problems(b, a, scr);
            refused.stream().filter(r -> r.bundleId() == b.getBundleId()).forEach(r -> problems.add(r.reason()));
            if (!problems.isEmpty()) {
                json.put("problem", String.join("; ", problems));
            }
            out.add(json);
        }
        for (DeployedArtifact a : notInstalled) {
            out.add(new JsonObject()
                    .put("id", -1)
                    .put("file", a.file())
                    .put("state", a.status().name())
                    .put("location", a.location())
                    .put("problem", a.problem()));
        }
        return out;
    }

    /** @return why this bundle is not fully working; empty when it is */
    List<String> problems(Bundle b, DeployedArtifact deployed, ServiceComponentRuntime scr) {
        List<String> problems = new ArrayList<>();
        if (deployed != null && deployed.problem() != null) {
            problems.add(deployed.problem());
        }
        if (scr != null && b.getState() == Bundle.ACTIVE) {
            for (ComponentDescriptionDTO d : scr.getComponentDescriptionDTOs(b)) {
                for (ComponentConfigurationDTO c : scr.getComponentConfigurationDTOs(d)) {
                    if (c.state == ComponentConfigurationDTO.FAILED_ACTIVATION) {
                        problems.add("component " + d.name + " failed to activate: " + firstLine(c.failure)
                                + "; see data/log/stoa.log for the stack trace");
                    }
                }
            }
        }
        if (problems.isEmpty() && b.getState() == Bundle.INSTALLED) {
            problems.add("not resolved: a package it imports is missing; see data/log/stoa.log");
        }
        return problems;
    }

    static String stateName(int state) {
        return switch (state) {
            case Bundle.UNINSTALLED -> "UNINSTALLED";
            case Bundle.INSTALLED -> "INSTALLED";
            case Bundle.RESOLVED -> "RESOLVED";
            case Bundle.STARTING -> "STARTING";
            case Bundle.STOPPING -> "STOPPING";
            case Bundle.ACTIVE -> "ACTIVE";
            default -> "UNKNOWN(" + state + ")";
        };
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unknown reason";
        }
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).trim();
    }
}
