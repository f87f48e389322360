package dev.stoa.deploy.internal;

import java.util.ArrayList;
import java.util.List;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.namespace.PackageNamespace;
import org.osgi.framework.wiring.BundleRequirement;
import org.osgi.framework.wiring.BundleRevision;
import org.osgi.framework.wiring.FrameworkWiring;
import org.osgi.resource.Namespace;

/** Explains why a bundle does not resolve, in terms a person can act on. */
final class Requirements {

    private Requirements() {}

    /**
     * Lists the mandatory requirements of a bundle that no installed bundle provides.
     *
     * @param context any bundle context
     * @param bundle an unresolved bundle
     * @param fallback what to say when every requirement has a provider (the conflict is deeper, e.g. a uses
     *        constraint): usually the framework's own message
     * @return e.g. {@code "missing package com.example.foo [1.0,2)"}
     */
    static String describeUnresolved(BundleContext context, Bundle bundle, String fallback) {
        BundleRevision revision = bundle.adapt(BundleRevision.class);
        FrameworkWiring wiring = context.getBundle(0).adapt(FrameworkWiring.class);
        List<String> missing = new ArrayList<>();
        if (revision != null) {
            for (BundleRequirement req : revision.getDeclaredRequirements(null)) {
                boolean optional = Namespace.RESOLUTION_OPTIONAL.equals(
                        req.getDirectives().get(Namespace.REQUIREMENT_RESOLUTION_DIRECTIVE));
                if (optional || !wiring.findProviders(req).isEmpty()) {
                    continue;
                }
                missing.add(describe(req));
            }
        }
        return missing.isEmpty() ? fallback : String.join(", ", missing);
    }

    private static String describe(BundleRequirement req) {
        String filter = req.getDirectives().getOrDefault(Namespace.REQUIREMENT_FILTER_DIRECTIVE, "");
        if (PackageNamespace.PACKAGE_NAMESPACE.equals(req.getNamespace())) {
            return "missing package " + filter;
        }
        return "missing " + req.getNamespace() + " " + filter;
    }
}
