package dev.stoa.onnxruntime.internal;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.stoa.api.FailureCode;
import dev.stoa.api.MapService;
import dev.stoa.api.StoaException;
import dev.stoa.api.data.Image;
import dev.stoa.onnxruntime.internal.ModelDescriptor.InputSpec;
import dev.stoa.onnxruntime.internal.ModelDescriptor.OutputSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Any ONNX model served from a model folder ({@link ModelDescriptor}): a request's named tensors (or images, through
 * the input's {@link ImagePreprocessing}) are checked against the declared inputs, run through one ONNX Runtime
 * session, and the declared outputs come back named, each through its {@link Postprocessing}:
 *
 * <pre>{@code
 * {"inputs": {"x": {"shape": [1, 3], "data": [1, 2, 3]}}}
 *   -> {"model": "tiny", "version": "1", "outputs": {"y": {"dtype": "float32", "shape": [1, 2], "data": [..]}}}
 * {"image": "<base64 PNG>"}
 *   -> {"model": "ppocr-orientation", "outputs": {"softmax_0.tmp_0": {"classes": [[{"index": 1, "label": "180",
 *       "score": 0.99}]]}}}
 * }</pre>
 *
 * <p>On load the descriptor is checked against the model's own inputs and outputs (names, element types, ranks and
 * fixed dimensions), then a warm-up pass runs on zeros, so a model that cannot run fails at load, with the file at
 * fault, not on the first caller.
 *
 * <p>Thread-safe: an ONNX Runtime session may run several calls at once. {@link #close()} waits for running calls,
 * then releases the session's native memory; later calls fail with {@link FailureCode#UNAVAILABLE}.
 */
final class OnnxModel implements MapService, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OnnxModel.class);

    private final String name;
    private final ModelDescriptor descriptor;
    private final OrtEnvironment environment;
    private final OrtSession session;
    private final List<InputSpec> inputs;
    private final List<OutputSpec> outputs;
    private final InputReader reader;
    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private boolean closed; // guarded by lock

    private OnnxModel(
            String name,
            ModelDescriptor descriptor,
            OrtEnvironment environment,
            OrtSession session,
            List<InputSpec> inputs,
            List<OutputSpec> outputs) {
        this.name = name;
        this.descriptor = descriptor;
        this.environment = environment;
        this.session = session;
        this.inputs = inputs;
        this.outputs = outputs;
        this.reader = new InputReader(name, inputs, descriptor.maxBatch());
    }

    /**
     * Opens the model's session, checks the descriptor against the model and warms up.
     *
     * @param name the service's name, for messages and logs
     * @param descriptor the model folder's descriptor
     * @param settings ONNX Runtime session options
     * @return the loaded model; close it to release the native memory
     * @throws StoaException {@link FailureCode#BAD_CONFIG} naming the descriptor field that does not fit the model,
     *     or saying that the model failed to load or to run its warm-up
     */
    static OnnxModel load(String name, ModelDescriptor descriptor, SessionSettings settings) {
        long start = System.nanoTime();
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        OrtSession session = null;
        try (OrtSession.SessionOptions options = settings.toOptions()) {
            try {
                session = environment.createSession(descriptor.model().toString(), options);
            } catch (OrtException e) {
                throw new StoaException(
                        FailureCode.BAD_CONFIG,
                        descriptor.model() + " cannot be loaded by ONNX" + " Runtime (" + e.getMessage()
                                + "); check that it is an intact ONNX file",
                        e);
            }
            String where = descriptor.folder().resolve(ModelDescriptor.FILE).toString();
            List<InputSpec> inputs = resolveInputs(descriptor, session.getInputInfo(), where);
            List<OutputSpec> outputs = resolveOutputs(descriptor, session.getOutputInfo(), where);
            OnnxModel model = new OnnxModel(name, descriptor, environment, session, inputs, outputs);
            long warmUp = model.warmUp(where);
            LOG.info(
                    "Loaded model '{}' from {} in {} ms (warm-up pass {} ms): inputs {}, outputs {}",
                    name,
                    descriptor.model(),
                    (System.nanoTime() - start) / 1_000_000,
                    warmUp,
                    inputs.stream().map(InputReader::describe).toList(),
                    outputs.stream()
                            .map(o -> o.name() + ": " + o.dtype().id() + " " + Arrays.toString(o.shape()))
                            .toList());
            return model;
        } catch (OrtException | RuntimeException e) {
            if (session != null) {
                try {
                    session.close();
                } catch (OrtException closing) {
                    e.addSuppressed(closing);
                }
            }
            if (e instanceof StoaException se) {
                throw se;
            }
            throw new StoaException(
                    FailureCode.BAD_CONFIG,
                    "model '" + name + "' from " + descriptor.model() + " failed to load: " + e,
                    e);
        }
    }

    /** @return the tensors this model takes and answers, resolved against the model, as service properties say */
    dev.stoa.api.tensor.TensorSignature signature() {
        return ServedSignature.of(inputs, outputs);
    }

    /** The descriptor's inputs, each checked against and completed from the model's; or the model's own. */
    private static List<InputSpec> resolveInputs(ModelDescriptor d, Map<String, NodeInfo> model, String where) {
        List<InputSpec> declared = d.inputs();
        if (declared == null) {
            declared = model.keySet().stream()
                    .map(n -> new InputSpec(n, null, null, null))
                    .toList();
        }
        List<InputSpec> out = new ArrayList<>();
        for (int i = 0; i < declared.size(); i++) {
            InputSpec spec = declared.get(i);
            String path = where + ": 'inputs[" + i + "]";
            NodeInfo info = model.get(spec.name());
            if (info == null) {
                throw new StoaException(
                        FailureCode.BAD_CONFIG,
                        path + "' names '" + spec.name() + "', which "
                                + d.model().getFileName() + " does not have; its inputs are " + model.keySet());
            }
            TensorInfo t = tensorInfo(info, path);
            DType dtype = dtype(spec.dtype(), t, path);
            long[] shape = shape(spec.shape(), t, path);
            if (spec.image() != null) {
                checkImage(spec.image(), dtype, shape, path);
            }
            out.add(new InputSpec(spec.name(), dtype, shape, spec.image()));
        }
        LinkedHashSet<String> missing = new LinkedHashSet<>(model.keySet());
        out.forEach(s -> missing.remove(s.name()));
        if (!missing.isEmpty()) {
            throw new StoaException(
                    FailureCode.BAD_CONFIG,
                    where + ": 'inputs' does not list " + missing + ", which "
                            + d.model().getFileName()
                            + " needs; list every input (or none, to take them from the model)");
        }
        return List.copyOf(out);
    }

    private static List<OutputSpec> resolveOutputs(ModelDescriptor d, Map<String, NodeInfo> model, String where) {
        List<OutputSpec> declared = d.outputs();
        if (declared == null) {
            declared = model.keySet().stream()
                    .map(n -> new OutputSpec(n, null, null, Postprocessing.IDENTITY))
                    .toList();
        }
        List<OutputSpec> out = new ArrayList<>();
        for (int i = 0; i < declared.size(); i++) {
            OutputSpec spec = declared.get(i);
            String path = where + ": 'outputs[" + i + "]";
            NodeInfo info = model.get(spec.name());
            if (info == null) {
                throw new StoaException(
                        FailureCode.BAD_CONFIG,
                        path + "' names '" + spec.name() + "', which "
                                + d.model().getFileName() + " does not have; its outputs are " + model.keySet());
            }
            TensorInfo t = tensorInfo(info, path);
            DType dtype = dtype(spec.dtype(), t, path);
            long[] shape = shape(spec.shape(), t, path);
            Postprocessing post = spec.post();
            if (post != Postprocessing.IDENTITY) {
                if (dtype != DType.FLOAT32 && dtype != DType.FLOAT64) {
                    throw new StoaException(
                            FailureCode.BAD_CONFIG,
                            path + ".postprocess': softmax and topK need a" + " float output; '" + spec.name() + "' is "
                                    + dtype.id() + " (use \"identity\")");
                }
                long classes = shape.length == 0 ? 1 : shape[shape.length - 1];
                if (!post.labels().isEmpty()
                        && classes > 0
                        && classes != post.labels().size()) {
                    throw new StoaException(
                            FailureCode.BAD_CONFIG,
                            path + ".postprocess.labels' has "
                                    + post.labels().size() + " labels but '" + spec.name() + "' has " + classes
                                    + " classes (its last dimension); give one label per class");
                }
            }
            out.add(new OutputSpec(spec.name(), dtype, shape, post));
        }
        return List.copyOf(out);
    }

    private static TensorInfo tensorInfo(NodeInfo info, String path) {
        if (!(info.getInfo() instanceof TensorInfo t)) {
            throw new StoaException(
                    FailureCode.BAD_CONFIG,
                    path + "': '" + info.getName() + "' is " + info.getInfo()
                            + "; model-folder services exchange tensors only");
        }
        return t;
    }

    private static DType dtype(DType declared, TensorInfo model, String path) {
        DType actual = DType.of(model.type);
        if (actual == null) {
            throw new StoaException(
                    FailureCode.BAD_CONFIG,
                    path + "': the model's element type is " + model.type + "; model-folder services handle "
                            + DType.supported());
        }
        if (declared != null && declared != actual) {
            throw new StoaException(
                    FailureCode.BAD_CONFIG,
                    path + ".dtype' is " + declared.id() + " but the model's" + " is " + actual.id() + "; write "
                            + actual.id());
        }
        return actual;
    }

    /** @return the declared shape, checked against the model's; the model's own (symbolic dimensions as -1) if none */
    private static long[] shape(long[] declared, TensorInfo model, String path) {
        long[] actual = model.getShape();
        if (declared == null) {
            return Arrays.stream(actual).map(d -> d > 0 ? d : -1).toArray();
        }
        boolean fits = declared.length == actual.length;
        for (int i = 0; fits && i < actual.length; i++) {
            fits = actual[i] <= 0 || declared[i] == -1 || declared[i] == actual[i];
        }
        if (!fits) {
            throw new StoaException(
                    FailureCode.BAD_CONFIG,
                    path + ".shape' is " + Arrays.toString(declared)
                            + " but the model's is "
                            + Arrays.toString(Arrays.stream(actual)
                                    .map(d -> d > 0 ? d : -1)
                                    .toArray())
                            + "; a declared shape may only fix dimensions the model leaves free (-1)");
        }
        long[] shape = declared.clone();
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] == -1 && actual[i] > 0) {
                shape[i] = actual[i]; // the model fixes what the descriptor leaves free
            }
        }
        return shape;
    }

    private static void checkImage(ImagePreprocessing image, DType dtype, long[] shape, String path) {
        if (dtype != DType.FLOAT32 && dtype != DType.FLOAT64 && dtype != DType.UINT8 && dtype != DType.INT8) {
            throw new StoaException(
                    FailureCode.BAD_CONFIG,
                    path + ".image': the input is " + dtype.id() + "; images"
                            + " feed float32, float64, uint8 or int8 inputs");
        }
        if (shape.length != 4) {
            throw new StoaException(
                    FailureCode.BAD_CONFIG,
                    path + ".image': the input's shape is " + Arrays.toString(shape)
                            + "; images feed rank-4 inputs, (N, C, H, W) or (N, H, W, C)");
        }
        int c = image.channelsFirst() ? 1 : 3;
        int h = image.channelsFirst() ? 2 : 1;
        int w = image.channelsFirst() ? 3 : 2;
        if (shape[c] != -1 && shape[c] != image.channelCount()) {
            throw new StoaException(
                    FailureCode.BAD_CONFIG,
                    path + ".image': the input has " + shape[c] + " channels"
                            + " at axis " + c + " (" + (image.channelsFirst() ? "NCHW" : "NHWC") + ") but channels '"
                            + image.channels() + "' makes " + image.channelCount() + "; fix 'channels' or 'layout'");
        }
        int[] size = image.fixedSize();
        if (size == null && (shape[h] != -1 || shape[w] != -1)) {
            throw new StoaException(
                    FailureCode.BAD_CONFIG,
                    path + ".image': the input is " + shape[h] + " high and "
                            + shape[w] + " wide, but resize '"
                            + image.mode().name().toLowerCase().replace('_', '-')
                            + "' without a crop keeps each image's own size; add a crop or resize 'stretch'");
        }
        if (size != null && ((shape[h] != -1 && shape[h] != size[1]) || (shape[w] != -1 && shape[w] != size[0]))) {
            throw new StoaException(
                    FailureCode.BAD_CONFIG,
                    path + ".image': makes " + size[0] + "x" + size[1] + " images but the input is " + shape[w]
                            + " wide and " + shape[h] + " high; make them agree");
        }
    }

    /** Runs one pass on zeros (images: mid-grey, through their preprocessing). @return its milliseconds */
    private long warmUp(String where) {
        Map<String, Tensor> feed = new LinkedHashMap<>();
        for (InputSpec spec : inputs) {
            long[] shape = descriptor.warmup().get(spec.name());
            if (shape == null && spec.image() != null) {
                byte[] grey = new byte[224 * 224 * 3];
                Arrays.fill(grey, (byte) 128);
                feed.put(spec.name(), InputReader.imageTensor(spec, List.of(new Image(224, 224, grey)), "warmup"));
                continue;
            }
            if (shape == null) {
                shape = Arrays.stream(spec.shape()).map(d -> d == -1 ? 1 : d).toArray();
            }
            feed.put(spec.name(), Tensor.zeros(spec.dtype(), shape));
        }
        long start = System.nanoTime();
        try {
            run(feed);
        } catch (StoaException e) {
            throw new StoaException(
                    FailureCode.BAD_CONFIG,
                    "model '" + name + "' failed its warm-up pass on " + feed.values() + ": " + e.getMessage()
                            + "; set shapes it can run under 'warmup' in " + where,
                    e);
        }
        return (System.nanoTime() - start) / 1_000_000;
    }

    /** {@inheritDoc} See the class comment for the request and answer. */
    @Override
    public Map<String, Object> call(Map<String, Object> request) {
        if (request == null) {
            throw StoaException.badInput("inputs", "is missing; send {\"inputs\": {...}}");
        }
        Map<String, Tensor> results;
        lock.readLock().lock(); // held from the start, so an unloaded model says so before reading the request
        try {
            if (closed) {
                throw unloaded();
            }
            results = run(reader.read(request));
        } finally {
            lock.readLock().unlock();
        }
        Map<String, Object> named = new LinkedHashMap<>();
        for (OutputSpec spec : outputs) {
            named.put(spec.name(), spec.post().apply(results.get(spec.name())));
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("model", name);
        if (descriptor.version() != null) {
            answer.put("version", descriptor.version());
        }
        answer.put("outputs", named);
        return answer;
    }

    /** @return the declared outputs of one pass, copied out of ONNX Runtime's memory */
    Map<String, Tensor> run(Map<String, Tensor> feed) {
        lock.readLock().lock();
        Map<String, OnnxTensor> tensors = new LinkedHashMap<>();
        try {
            if (closed) {
                throw unloaded();
            }
            for (Map.Entry<String, Tensor> e : feed.entrySet()) {
                tensors.put(e.getKey(), e.getValue().toOnnx(environment));
            }
            LinkedHashSet<String> wanted = new LinkedHashSet<>();
            outputs.forEach(o -> wanted.add(o.name()));
            try (OrtSession.Result result = session.run(tensors, wanted)) {
                Map<String, Tensor> out = new LinkedHashMap<>();
                for (OutputSpec spec : outputs) {
                    OnnxValue value = result.get(spec.name()).orElseThrow();
                    if (!(value instanceof OnnxTensor t)) {
                        throw new StoaException(FailureCode.INTERNAL, "output '" + spec.name() + "' is not a tensor");
                    }
                    out.put(spec.name(), Tensor.read(spec.name(), t));
                }
                return out;
            }
        } catch (OrtException e) {
            // ONNX Runtime checks what the descriptor leaves free (-1): dimensions that must agree across inputs,
            // sizes a layer cannot take. Its message names the node; the caller can act on it.
            boolean callers = e.getCode() == OrtException.OrtErrorCode.ORT_INVALID_ARGUMENT;
            throw new StoaException(
                    callers ? FailureCode.SHAPE_MISMATCH : FailureCode.INTERNAL,
                    "ONNX Runtime" + " could not run model '" + name + "' on inputs " + feed.values() + ": "
                            + e.getMessage(),
                    e);
        } finally {
            tensors.values().forEach(OnnxTensor::close);
            lock.readLock().unlock();
        }
    }

    private StoaException unloaded() {
        return new StoaException(FailureCode.UNAVAILABLE, "model '" + name + "' was unloaded");
    }

    /** @return the inputs, with element types and shapes resolved against the model */
    List<InputSpec> inputs() {
        return inputs;
    }

    /** @return the outputs returned, with element types and shapes resolved against the model */
    List<OutputSpec> outputs() {
        return outputs;
    }

    /** @return the descriptor it was loaded from */
    ModelDescriptor descriptor() {
        return descriptor;
    }

    /** Waits for running calls, then releases the ONNX Runtime session's native memory. */
    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            try {
                session.close();
            } catch (OrtException e) {
                LOG.warn("Closing the ONNX Runtime session of model '{}' failed: {}", name, e.getMessage());
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    @Override
    public String toString() {
        return "OnnxModel[" + name + ", " + descriptor.model() + "]";
    }
}
