package dev.stoa.onnxruntime.internal;

import dev.stoa.api.FailureCode;
import dev.stoa.api.ServiceKind;
import dev.stoa.api.ServiceProperties;
import dev.stoa.api.StoaException;
import dev.stoa.api.StoaService;
import dev.stoa.api.tensor.TensorSignature;
import dev.stoa.djl.DjlRuntime;
import java.nio.file.Path;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Map;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;

/**
 * One model-folder service per factory configuration {@value ModelConfig#FACTORY_PID}: dropping a folder (an ONNX
 * file and its {@value ModelDescriptor#FILE}) into {@code models/} and a file
 * {@code etc/dev.stoa.onnxruntime.model-<name>.cfg} with {@code folder=models/<name>} into {@code etc/} serves it at
 * {@code stoa.model.<id>}. The model loads and warms up when the configuration appears, is replaced when it changes,
 * and is unloaded, its session's native memory released, when the configuration or the bundle goes.
 *
 * <p>The service is registered by this component rather than by SCR because its {@code stoa.id} may come from the
 * descriptor (its {@code name}), which SCR cannot know when it reads the configuration. A configuration whose
 * folder or descriptor is broken fails to activate, with a message naming the file and the field; SCR logs it and
 * {@code GET /v1/bundles} shows it under this bundle, and every other model keeps serving.
 *
 * <p>Waits for {@link DjlRuntime} with ONNX Runtime loaded: DJL's engine creates the process's one ONNX Runtime
 * environment (platform/djl's README).
 */
@Component(
        immediate = true,
        configurationPid = ModelConfig.FACTORY_PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = {})
@Designate(ocd = ModelConfig.class, factory = true)
public final class OnnxModelComponent {

    /** DJL with ONNX Runtime loaded; a field, not a constructor parameter, for the reason {@link #activate} gives. */
    @Reference(target = "(" + DjlRuntime.ENGINES + "=OnnxRuntime)")
    DjlRuntime djl;

    private OnnxModel model;
    private ServiceRegistration<?> registration;

    /**
     * Loads the configured model folder and registers it as a Stoa service.
     *
     * <p>An activate method rather than an activation constructor: Felix SCR (2.2) records a failure that
     * {@code GET /v1/bundles} can show only when an activate method throws; a throwing constructor is only logged
     * (seen in ModelFolderIT).
     *
     * @param context this bundle's context, for {@code stoa.home} and the registration
     * @param config the model's configuration
     * @param properties the same, untyped, for the file it came from
     * @throws StoaException when the model cannot be served; the message names the configuration file and the
     *     setting or descriptor field at fault
     */
    @Activate
    void activate(BundleContext context, ModelConfig config, Map<String, Object> properties) throws Exception {
        ModelDescriptor descriptor;
        String id;
        try {
            if (config.folder() == null || config.folder().isBlank()) {
                throw new StoaException(
                        FailureCode.BAD_CONFIG,
                        "'folder' is missing; set it to a model folder such"
                                + " as models/my-model, holding an .onnx file and " + ModelDescriptor.FILE);
            }
            Path folder = ConfigurationFiles.resolve(context.getProperty("stoa.home"), config.folder());
            descriptor = ModelDescriptor.read(folder);
            id = id(config, descriptor);
            SessionSettings settings = new SessionSettings(
                    config.intraOpThreads(), config.interOpThreads(), config.optimization(), config.spinning());
            this.model = djl.withEngineClassLoader(() -> OnnxModel.load(id, descriptor, settings));
        } catch (StoaException e) {
            throw new StoaException(
                    e.code(), ConfigurationFiles.source("model", properties) + ": " + e.getMessage(), e);
        }
        Dictionary<String, Object> service = new Hashtable<>();
        service.put(ServiceProperties.ID, id);
        service.put(ServiceProperties.KIND, ServiceKind.MODEL.id());
        if (descriptor.version() != null) {
            service.put(ServiceProperties.VERSION, descriptor.version());
        }
        service.put("stoa.model.folder", descriptor.folder().toString());
        // the tensors, for the Open Inference Protocol v2 front (dev.stoa.api.tensor)
        service.put(TensorSignature.INPUTS, model.signature().inputProperty());
        service.put(TensorSignature.OUTPUTS, model.signature().outputProperty());
        try {
            this.registration = context.registerService(StoaService.class, model, service);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /** @return the configured {@code stoa.id}, else the descriptor's name (which defaults to the folder's) */
    static String id(ModelConfig config, ModelDescriptor descriptor) {
        String configured = config.stoa_id();
        if (configured != null && !configured.isBlank()) {
            return ServiceProperties.requireValidId(configured.trim());
        }
        try {
            return ServiceProperties.requireValidId(descriptor.name());
        } catch (StoaException e) {
            throw new StoaException(
                    FailureCode.BAD_CONFIG,
                    "the model's name '" + descriptor.name() + "' (from "
                            + ModelDescriptor.FILE + " or the folder) is not a service id: " + e.getMessage()
                            + "; or set stoa.id in the configuration",
                    e);
        }
    }

    /** Unregisters the service, so new calls stop coming, then waits for running calls and frees the session. */
    @Deactivate
    void deactivate() {
        try {
            registration.unregister();
        } catch (IllegalStateException alreadyGone) {
            // the framework unregisters a stopping bundle's services itself
        }
        model.close();
    }

    /** @return the served model, for tests */
    OnnxModel model() {
        return model;
    }
}
