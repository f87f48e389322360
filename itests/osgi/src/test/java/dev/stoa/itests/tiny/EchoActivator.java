package dev.stoa.itests.tiny;

import dev.stoa.api.ServiceProperties;
import dev.stoa.api.StoaService;
import java.util.Hashtable;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;

/** Registers {@link EchoService} as {@code stoa.service.echo} (its id from the bundle header Stoa-Test-Id). */
public final class EchoActivator implements BundleActivator {

    @Override
    public void start(BundleContext context) {
        Hashtable<String, Object> props = new Hashtable<>();
        String id = context.getBundle().getHeaders().get("Stoa-Test-Id");
        props.put(ServiceProperties.ID, id == null ? "echo" : id);
        props.put(ServiceProperties.KIND, "service");
        props.put(ServiceProperties.VERSION, context.getBundle().getVersion().toString());
        context.registerService(StoaService.class, new EchoService(), props);
    }

    @Override
    public void stop(BundleContext context) {
        // the framework unregisters the service
    }
}
