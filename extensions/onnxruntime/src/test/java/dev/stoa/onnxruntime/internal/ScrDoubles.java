package dev.stoa.onnxruntime.internal;

import dev.stoa.djl.DjlRuntime;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Dictionary;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

/**
 * What SCR hands a component, for driving components outside a framework: the typed configuration, a bundle context
 * that knows {@code stoa.home} and records registrations, and DJL (the real one is on the test class path; only
 * the OSGi service wrapper is stood in for).
 */
final class ScrDoubles {

    /** A service registered through {@link #context()}, and whether it was unregistered since. */
    static final class Registration {
        final Object service;
        final Dictionary<String, ?> properties;
        volatile boolean unregistered;

        Registration(Object service, Dictionary<String, ?> properties) {
            this.service = service;
            this.properties = properties;
        }
    }

    /** Every registration made through a {@link #context()}, oldest first. */
    static final List<Registration> REGISTRATIONS = Collections.synchronizedList(new ArrayList<>());

    private ScrDoubles() {}

    /** The typed configuration as SCR builds it: a property when set, else the attribute's default. */
    static <T> T config(Class<T> type, Map<String, Object> properties) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
            Object value = properties.get(method.getName().replace('_', '.'));
            return value != null ? value : method.getDefaultValue();
        }));
    }

    /** A context with {@code stoa.home=/opt/stoa} that records {@code registerService} in {@link #REGISTRATIONS}. */
    static BundleContext context() {
        return (BundleContext) Proxy.newProxyInstance(
                BundleContext.class.getClassLoader(), new Class<?>[] {BundleContext.class}, (proxy, method, args) -> {
                    if (method.getName().equals("getProperty") && "stoa.home".equals(args[0])) {
                        return "/opt/stoa";
                    }
                    if (method.getName().equals("registerService") && args[2] instanceof Dictionary<?, ?> p) {
                        @SuppressWarnings("unchecked")
                        Registration r = new Registration(args[1], (Dictionary<String, ?>) p);
                        REGISTRATIONS.add(r);
                        return Proxy.newProxyInstance(
                                ServiceRegistration.class.getClassLoader(),
                                new Class<?>[] {ServiceRegistration.class},
                                (rp, rm, ra) -> {
                                    if (rm.getName().equals("unregister")) {
                                        r.unregistered = true;
                                        return null;
                                    }
                                    throw new UnsupportedOperationException(rm.getName());
                                });
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    static DjlRuntime djl() {
        return new DjlRuntime() {
            @Override
            public Set<String> engines() {
                return Set.of("OnnxRuntime");
            }

            @Override
            public String defaultEngine() {
                return "OnnxRuntime";
            }

            @Override
            public <T> T withEngineClassLoader(Callable<T> task) throws Exception {
                return task.call(); // outside OSGi the context class loader already sees DJL
            }

            @Override
            public Path cacheDir() {
                return Path.of("target/djl");
            }

            @Override
            public Path engineCacheDir() {
                return Path.of("target/djl/engines");
            }
        };
    }
}
