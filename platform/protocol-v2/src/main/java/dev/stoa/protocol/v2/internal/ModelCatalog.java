package dev.stoa.protocol.v2.internal;

import dev.stoa.api.FailureCode;
import dev.stoa.api.ServiceKind;
import dev.stoa.api.ServiceProperties;
import dev.stoa.api.StoaException;
import dev.stoa.api.StoaService;
import dev.stoa.api.model.ModelInfo;
import dev.stoa.api.model.ModelRepository;
import dev.stoa.api.model.ModelState;
import dev.stoa.api.runtime.ExportedService;
import dev.stoa.api.runtime.ServiceDirectory;
import dev.stoa.api.service.TextEncoder;
import dev.stoa.api.tensor.TensorSignature;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;

/**
 * Which Stoa services are models of the Open Inference Protocol v2, and how each is described: a v2 model name is a
 * service's {@code stoa.id}; its tensors come from what the service says about itself:
 *
 * <ul>
 *   <li>a {@link TensorSignature} in its service properties (every ONNX model served from a folder);</li>
 *   <li>a service from {@code Text} or {@code Image} to {@code Embedding} (every encoder; CLIP's towers): one
 *       {@code BYTES} input, an {@code FP32 [-1, D]} output, {@code D} from {@code embedding.dimension} or the
 *       {@link TextEncoder}'s dimension.</li>
 * </ul>
 *
 * A version ({@code /versions/N}) is the service {@code <id>.vN} the model repository registers when it serves
 * several versions, or the service itself when its {@code stoa.model.version} (or {@code stoa.version}) is N.
 */
final class ModelCatalog {

    /** The service property CLIP's towers publish with their embedding's length. */
    static final String EMBEDDING_DIMENSION = "embedding.dimension";

    private final BundleContext context;
    private final Supplier<ServiceDirectory> directory;
    private final Supplier<ModelRepository> repository;

    /**
     * @param context where the services' properties are read; {@code null} in tests, which then see only what the
     *     directory says (encoders, by their types)
     */
    ModelCatalog(BundleContext context, Supplier<ServiceDirectory> directory, Supplier<ModelRepository> repository) {
        this.context = context;
        this.directory = directory;
        this.repository = repository;
    }

    /**
     * @param name the model's name
     * @param version the version asked for, or {@code null} for the one that serves the plain name
     * @return the model
     * @throws StoaException {@code UNKNOWN_SERVICE} (404) when there is no such model or version, or when the service
     *     does not describe its tensors; {@code UNAVAILABLE} when the bus is not running
     */
    ServedModel find(String name, String version) {
        ServiceDirectory d = directory.get();
        if (d == null) {
            throw new StoaException(
                    FailureCode.UNAVAILABLE,
                    "the event-bus exporter (dev.stoa.bus) is not running; " + FailureCode.UNAVAILABLE.fix());
        }
        if (version != null && !version.isEmpty()) {
            Optional<ExportedService> pinned = local(d, name + ".v" + version);
            if (pinned.isPresent()) {
                return describe(pinned.get(), name, version);
            }
        }
        ExportedService service = local(d, name)
                .orElseThrow(() -> new StoaException(
                        FailureCode.UNKNOWN_SERVICE,
                        "no model is named '" + name + "'; POST /v2/repository/index lists the models"));
        ServedModel model = describe(service, name, null);
        if (version != null && !version.isEmpty() && !version.equals(model.version())) {
            throw new StoaException(
                    FailureCode.UNKNOWN_SERVICE,
                    "model '" + name + "' has no version '" + version + "' loaded; version " + model.version()
                            + " serves it (load another with POST /v2/repository/models/{name}/load)");
        }
        return model;
    }

    /** @return every service that is a v2 model, by name */
    List<ServedModel> all() {
        ServiceDirectory d = directory.get();
        List<ServedModel> out = new ArrayList<>();
        if (d == null) {
            return out;
        }
        for (ExportedService s : d.services()) {
            if (s.remote() || ServiceKind.PIPELINE.id().equals(s.kind())) {
                continue;
            }
            try {
                out.add(describe(s, s.id(), null));
            } catch (StoaException notAModel) {
                // a service that does not describe its tensors is not listed
            }
        }
        return out;
    }

    private static Optional<ExportedService> local(ServiceDirectory d, String id) {
        return d.services().stream()
                .filter(s -> s.id().equals(id) && !s.remote())
                .findFirst();
    }

    private ServedModel describe(ExportedService s, String name, String askedVersion) {
        ServiceReference<?> ref = reference(s.id());
        boolean ready = "available".equals(s.state()) && modelReady(s.id());
        String version = askedVersion != null ? askedVersion : version(ref, s);
        TensorSignature signature = ref == null ? null : signature(ref, s.id());
        if (signature != null) {
            String platform = ref.getProperty("stoa.model.folder") != null ? "onnxruntime_onnx" : ServedModel.PLATFORM;
            return new TensorServiceModel(name, version, s.address(), ready, signature, platform);
        }
        if ("Embedding".equals(s.outputType()) && ("Text".equals(s.inputType()) || "Image".equals(s.inputType()))) {
            EmbeddingModel.Modality modality =
                    "Text".equals(s.inputType()) ? EmbeddingModel.Modality.TEXT : EmbeddingModel.Modality.IMAGE;
            return new EmbeddingModel(name, version, s.address(), ready, modality, dimension(ref));
        }
        throw new StoaException(
                FailureCode.UNKNOWN_SERVICE,
                "service '" + s.id() + "' (" + s.inputType() + " -> " + s.outputType() + ") does not describe its"
                        + " tensors, so the Open Inference Protocol cannot call it; call it with POST /v1/services/"
                        + s.id());
    }

    private boolean modelReady(String serviceId) {
        ModelRepository r = repository.get();
        if (r == null) {
            return true;
        }
        Optional<ModelInfo> model = r.modelOfService(serviceId);
        return model.isEmpty() || model.get().status().state() == ModelState.READY;
    }

    private static String version(ServiceReference<?> ref, ExportedService s) {
        Object v = ref == null ? null : ref.getProperty(ModelRepository.MODEL_VERSION_PROPERTY);
        if (v != null && !"0".equals(String.valueOf(v))) {
            return String.valueOf(v);
        }
        return s.version() != null ? s.version() : "1";
    }

    private static TensorSignature signature(ServiceReference<?> ref, String id) {
        try {
            return TensorSignature.parse(
                    ref.getProperty(TensorSignature.INPUTS), ref.getProperty(TensorSignature.OUTPUTS));
        } catch (IllegalArgumentException e) {
            throw new StoaException(
                    FailureCode.UNKNOWN_SERVICE,
                    "service '" + id + "' publishes a tensor signature that cannot be read: " + e.getMessage());
        }
    }

    private long dimension(ServiceReference<?> ref) {
        if (ref == null) {
            return -1;
        }
        Object property = ref.getProperty(EMBEDDING_DIMENSION);
        if (property instanceof Number n) {
            return n.longValue();
        }
        if (Arrays.asList((String[]) ref.getProperty("objectClass")).contains(TextEncoder.class.getName())) {
            Object service = context.getService(ref);
            try {
                if (service instanceof TextEncoder encoder) {
                    return encoder.dimension();
                }
            } catch (RuntimeException standIn) {
                // an untrained stand-in may not know its dimension: the metadata says -1
            } finally {
                if (service != null) {
                    context.ungetService(ref);
                }
            }
        }
        return -1;
    }

    /** @return the registration that serves an id now: the highest ranking, as the bus chooses */
    private ServiceReference<?> reference(String id) {
        if (context == null) {
            return null; // tests: the directory's types alone
        }
        try {
            ServiceReference<?>[] refs = context.getServiceReferences(
                    StoaService.class.getName(), "(" + ServiceProperties.ID + "=" + id + ")");
            return refs == null
                    ? null
                    : Arrays.stream(refs).max((a, b) -> a.compareTo(b)).orElse(null);
        } catch (InvalidSyntaxException | IllegalStateException e) {
            return null;
        }
    }
}
