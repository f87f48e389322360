package dev.stoa.tensorrt.internal;

import static org.bytedeco.cuda.global.cudart.cudaDevAttrComputeCapabilityMajor;
import static org.bytedeco.cuda.global.cudart.cudaDevAttrComputeCapabilityMinor;
import static org.bytedeco.cuda.global.cudart.cudaDeviceGetAttribute;
import static org.bytedeco.cuda.global.cudart.cudaGetDeviceCount;
import static org.bytedeco.cuda.global.cudart.cudaGetErrorString;
import static org.bytedeco.cuda.global.cudart.cudaSetDevice;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import dev.stoa.api.engine.EngineOptions;
import dev.stoa.api.engine.EngineSession;
import dev.stoa.api.tensor.TensorSignature;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bytedeco.cuda.cudart.cudaDeviceProp;
import org.bytedeco.cuda.global.cudart;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.tensorrt.global.nvinfer;
import org.bytedeco.tensorrt.global.nvinfer_plugin;
import org.bytedeco.tensorrt.global.nvonnxparser;
import org.bytedeco.tensorrt.nvinfer.Dims64;
import org.bytedeco.tensorrt.nvinfer.IBuilder;
import org.bytedeco.tensorrt.nvinfer.IBuilderConfig;
import org.bytedeco.tensorrt.nvinfer.ICudaEngine;
import org.bytedeco.tensorrt.nvinfer.IHostMemory;
import org.bytedeco.tensorrt.nvinfer.ILogger;
import org.bytedeco.tensorrt.nvinfer.INetworkDefinition;
import org.bytedeco.tensorrt.nvinfer.IOptimizationProfile;
import org.bytedeco.tensorrt.nvinfer.IRuntime;
import org.bytedeco.tensorrt.nvinfer.ITensor;
import org.bytedeco.tensorrt.nvonnxparser.IParser;
import org.bytedeco.tensorrt.nvonnxparser.IParserError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TensorRT 11 and CUDA 13 through the JavaCPP presets: loads the host's libraries, builds engines from ONNX files and
 * opens them as {@link TensorRtSession}s. Runs only on a machine with the libraries and a GPU.
 */
final class JavaCppBackend implements Backend {

    private static final Logger LOG = LoggerFactory.getLogger(JavaCppBackend.class);

    /** TensorRT's log, into slf4j; one for the process, never freed (TensorRT keeps the pointer). */
    private static final class Slf4jLogger extends ILogger {
        @Override
        public void log(ILogger.Severity severity, String msg) {
            switch (severity) {
                case kINTERNAL_ERROR, kERROR -> LOG.error("TensorRT: {}", msg);
                case kWARNING -> LOG.warn("TensorRT: {}", msg);
                case kINFO -> LOG.debug("TensorRT: {}", msg);
                default -> LOG.trace("TensorRT: {}", msg);
            }
        }
    }

    private static ILogger logger;

    private final int device;
    private final String version;
    private final String computeCapability;
    private final String deviceName;

    private JavaCppBackend(int device, String version, String computeCapability, String deviceName) {
        this.device = device;
        this.version = version;
        this.computeCapability = computeCapability;
        this.deviceName = deviceName;
    }

    /**
     * Loads the libraries the probe found, by their full paths and with global symbols (so that the JNI glue's
     * {@code libnvinfer.so.11} and {@code libcudart.so.13} resolve to them whatever {@code LD_LIBRARY_PATH} says),
     * then the presets' JNI glue, and checks the device.
     *
     * @param libraries each of {@link LibraryProbe#REQUIRED} and its file
     * @param device the CUDA device's index
     * @return the backend
     * @throws UnsatisfiedLinkError when a library or the glue does not load
     * @throws StoaException {@link FailureCode#UNAVAILABLE} when CUDA finds no usable device
     */
    static synchronized JavaCppBackend load(Map<String, Path> libraries, int device) {
        List<String> order = new ArrayList<>(LibraryProbe.REQUIRED);
        java.util.Collections.reverse(order); // libcuda, libcudart, then TensorRT's own
        for (String name : order) {
            Loader.loadGlobal(libraries.get(name).toString());
        }
        Loader.load(cudart.class);
        Loader.load(nvinfer.class);
        Loader.load(nvonnxparser.class);
        Loader.load(nvinfer_plugin.class);
        int[] count = {0};
        int err = cudaGetDeviceCount(count);
        if (err != cudart.cudaSuccess || count[0] == 0) {
            throw new StoaException(
                    FailureCode.UNAVAILABLE,
                    "no CUDA device: cudaGetDeviceCount says " + (err != 0 ? error(err) : "0 devices")
                            + " (check the NVIDIA driver with nvidia-smi, and CUDA_VISIBLE_DEVICES)");
        }
        if (device >= count[0]) {
            throw new StoaException(
                    FailureCode.UNAVAILABLE,
                    "device is " + device + " in " + LibraryProbe.CONFIG_FILE + ", but CUDA sees " + count[0]
                            + " device(s), 0 to " + (count[0] - 1) + "; set device to one of those");
        }
        cuda(cudaSetDevice(device), "cudaSetDevice(" + device + ")");
        int[] major = {0};
        int[] minor = {0};
        cuda(cudaDeviceGetAttribute(major, cudaDevAttrComputeCapabilityMajor, device), "cudaDeviceGetAttribute");
        cuda(cudaDeviceGetAttribute(minor, cudaDevAttrComputeCapabilityMinor, device), "cudaDeviceGetAttribute");
        String name;
        try (cudaDeviceProp prop = new cudaDeviceProp()) {
            cuda(cudart.cudaGetDeviceProperties(prop, device), "cudaGetDeviceProperties");
            name = prop.name().getString();
        }
        if (logger == null) {
            logger = new Slf4jLogger();
            if (!nvinfer_plugin.initLibNvInferPlugins(logger, "")) {
                LOG.warn("TensorRT: its plugins did not register; graphs that need them will not parse");
            }
        }
        String version = nvinfer.getInferLibMajorVersion() + "." + nvinfer.getInferLibMinorVersion() + "."
                + nvinfer.getInferLibPatchVersion();
        return new JavaCppBackend(device, version, major[0] + "." + minor[0], name);
    }

    @Override
    public String tensorRtVersion() {
        return version;
    }

    @Override
    public String computeCapability() {
        return computeCapability;
    }

    @Override
    public String deviceName() {
        return deviceName;
    }

    @Override
    public void build(
            Path onnx, Precision precision, EngineOptions options, int contexts, long workspaceBytes, FileChannel out)
            throws IOException {
        cuda(cudaSetDevice(device), "cudaSetDevice(" + device + ")");
        IBuilder builder = nvinfer.createInferBuilder(logger);
        if (builder == null || builder.isNull()) {
            throw new StoaException(FailureCode.INTERNAL, "TensorRT's createInferBuilder failed; see the log");
        }
        INetworkDefinition network = null;
        IParser parser = null;
        IBuilderConfig config = null;
        Fp16Network fp16 = null;
        IHostMemory plan = null;
        try {
            // strongly typed: the only kind TensorRT 11 builds (the flag is accepted and ignored there)
            network = builder.createNetworkV2(1 << nvinfer.NetworkDefinitionCreationFlag.kSTRONGLY_TYPED.value);
            parser = nvonnxparser.createParser(network, logger);
            if (!parser.parseFromFile(onnx.toString(), ILogger.Severity.kWARNING.value)) {
                throw StoaException.badInput(
                        "graph", "TensorRT's ONNX parser rejected " + onnx + ": " + errors(parser));
            }
            List<TensorSignature.Tensor> inputs = new ArrayList<>();
            for (int i = 0; i < network.getNbInputs(); i++) {
                ITensor t = network.getInput(i);
                inputs.add(
                        new TensorSignature.Tensor(t.getName(), Types.datatype(t.getType()), shape(t.getDimensions())));
            }
            Map<String, ProfileShapes.Range> ranges = ProfileShapes.compute(inputs, options);
            config = builder.createBuilderConfig();
            if (workspaceBytes > 0) {
                config.setMemoryPoolLimit(nvinfer.MemoryPoolType.kWORKSPACE, workspaceBytes);
            }
            // one identical profile per execution context: contexts in concurrent use may not share a profile (the
            // builder's timing cache makes the copies cheap to tune)
            for (int copy = 0; copy < contexts && ranges.values().stream().anyMatch(r -> !r.isStatic()); copy++) {
                IOptimizationProfile profile = builder.createOptimizationProfile();
                for (Map.Entry<String, ProfileShapes.Range> e : ranges.entrySet()) {
                    ProfileShapes.Range r = e.getValue();
                    if (r.isStatic()) {
                        continue;
                    }
                    boolean ok = profile.setDimensions(e.getKey(), nvinfer.OptProfileSelector.kMIN, dims(r.min()))
                            && profile.setDimensions(e.getKey(), nvinfer.OptProfileSelector.kOPT, dims(r.opt()))
                            && profile.setDimensions(e.getKey(), nvinfer.OptProfileSelector.kMAX, dims(r.max()));
                    if (!ok) {
                        throw new StoaException(
                                FailureCode.BAD_CONFIG,
                                "TensorRT refused the profile of input '" + e.getKey() + "' (" + r
                                        + "); check shapeRanges['" + e.getKey() + "'] against the graph");
                    }
                }
                config.addOptimizationProfile(profile);
            }
            if (precision == Precision.FP16) {
                fp16 = Fp16Network.rewrite(network);
            }
            plan = builder.buildSerializedNetwork(network, config);
            if (plan == null || plan.isNull() || plan.size() == 0) {
                throw new StoaException(
                        FailureCode.INTERNAL,
                        "TensorRT could not build an engine from " + onnx + " (" + precision.label() + ", "
                                + ProfileShapes.describe(options, contexts) + "); the log (logger "
                                + JavaCppBackend.class.getName() + ") says why");
            }
            write(plan, out);
        } finally {
            close(plan);
            close(config);
            close(parser);
            close(network);
            close(builder);
            if (fp16 != null) {
                fp16.close();
            }
        }
    }

    @Override
    public EngineSession open(Path engineFile, int instances) throws IOException {
        cuda(cudaSetDevice(device), "cudaSetDevice(" + device + ")");
        long size = Files.size(engineFile);
        IRuntime runtime = nvinfer.createInferRuntime(logger);
        ICudaEngine engine;
        try (BytePointer blob = new BytePointer(size);
                FileChannel in = FileChannel.open(engineFile, StandardOpenOption.READ)) {
            for (long done = 0; done < size; ) {
                long n = Math.min(size - done, 1 << 30);
                ByteBuffer window = blob.position(done).limit(done + n).asBuffer();
                while (window.hasRemaining()) {
                    if (in.read(window) < 0) {
                        throw new IOException(engineFile + " ended before its " + size + " bytes");
                    }
                }
                done += n;
            }
            blob.position(0).limit(size);
            engine = runtime.deserializeCudaEngine(blob, size);
        }
        if (engine == null || engine.isNull()) {
            close(runtime);
            throw new StaleEngineException("TensorRT " + version + " did not deserialize " + engineFile);
        }
        try {
            return new TensorRtSession(runtime, engine, instances, device);
        } catch (RuntimeException e) {
            close(engine);
            close(runtime);
            throw e;
        }
    }

    private static void write(IHostMemory plan, FileChannel out) throws IOException {
        long size = plan.size();
        BytePointer data = new BytePointer(plan.data()).capacity(size);
        for (long done = 0; done < size; ) {
            long n = Math.min(size - done, 1 << 30);
            ByteBuffer window = data.position(done).limit(done + n).asBuffer();
            while (window.hasRemaining()) {
                out.write(window);
            }
            done += n;
        }
    }

    private static String errors(IParser parser) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < parser.getNbErrors(); i++) {
            IParserError e = parser.getError(i);
            if (s.length() > 0) {
                s.append("; ");
            }
            s.append("node ").append(e.node());
            if (e.nodeName() != null && !e.nodeName().isEmpty()) {
                s.append(" '").append(e.nodeName()).append('\'');
            }
            if (e.nodeOperator() != null && !e.nodeOperator().isEmpty()) {
                s.append(" (").append(e.nodeOperator()).append(')');
            }
            s.append(": ").append(e.desc());
        }
        return s.length() == 0 ? "no error recorded; see the log" : s.toString();
    }

    static long[] shape(Dims64 dims) {
        long[] shape = new long[dims.nbDims()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = dims.d(i);
        }
        return shape;
    }

    static Dims64 dims(long[] shape) {
        Dims64 dims = new Dims64();
        dims.nbDims(shape.length);
        for (int i = 0; i < shape.length; i++) {
            dims.d(i, shape[i]);
        }
        return dims;
    }

    /** @throws StoaException {@link FailureCode#INTERNAL} naming the call and CUDA's error, when it failed */
    static void cuda(int err, String what) {
        if (err != cudart.cudaSuccess) {
            throw new StoaException(FailureCode.INTERNAL, what + " failed: " + error(err));
        }
    }

    private static String error(int err) {
        BytePointer s = cudaGetErrorString(err);
        return (s == null || s.isNull() ? "CUDA error" : s.getString()) + " (" + err + ")";
    }

    /** Releases a TensorRT object through JavaCPP (which deletes it where the presets give it a deallocator). */
    static void close(org.bytedeco.javacpp.Pointer p) {
        if (p != null && !p.isNull()) {
            p.close();
        }
    }
}
