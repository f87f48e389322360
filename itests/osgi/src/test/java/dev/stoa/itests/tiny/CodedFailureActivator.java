package dev.stoa.itests.tiny;

import dev.stoa.api.ServiceProperties;
import dev.stoa.api.StoaService;
import java.util.Hashtable;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;

/** Registers {@link CodedFailureService} as {@code stoa.service.failer}. */
public final class CodedFailureActivator implements BundleActivator {

    /** The service's id. */
    public static final String ID = "failer";

    @Override
    public void start(BundleContext context) {
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(ServiceProperties.ID, ID);
        props.put(ServiceProperties.KIND, "service");
        context.registerService(StoaService.class, new CodedFailureService(), props);
    }

    @Override
    public void stop(BundleContext context) {
        // the framework unregisters the service
    }
}
