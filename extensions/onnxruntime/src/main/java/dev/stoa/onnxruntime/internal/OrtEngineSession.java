package dev.stoa.onnxruntime.internal;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import dev.stoa.api.engine.EngineSession;
import dev.stoa.api.engine.HostTensor;
import dev.stoa.api.tensor.TensorSignature;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * One ONNX graph on ONNX Runtime's CPU provider, as an {@link EngineSession}. Thread-safe: ONNX Runtime's
 * {@code OrtSession.run} may be called concurrently, and a read-write lock keeps {@link #close} from freeing the
 * session under a running call.
 *
 * <p>Copies: an input whose bytes are in direct (off-heap) memory, as {@link HostTensor#ofFloats} makes them, is
 * handed to ONNX Runtime in place (its {@code OnnxTensor} wraps the buffer, {@code ownsBuffer() == false}); a heap
 * buffer is copied once into direct memory. Each output is copied once, out of ONNX Runtime's memory, which is freed when
 * the call returns.
 */
final class OrtEngineSession implements EngineSession {

    private final String engine;
    private final Path graph;
    private final OrtEnvironment environment;
    private final OrtSession session;
    private final List<TensorSignature.Tensor> inputs;
    private final List<TensorSignature.Tensor> outputs;
    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private boolean closed;

    private OrtEngineSession(String engine, Path graph, OrtEnvironment environment, OrtSession session)
            throws OrtException {
        this.engine = engine;
        this.graph = graph;
        this.environment = environment;
        this.session = session;
        this.inputs = describe(session.getInputInfo(), graph, "input");
        this.outputs = describe(session.getOutputInfo(), graph, "output");
    }

    /**
     * @param engine the engine's name
     * @param graph the ONNX file
     * @param environment the process's ONNX Runtime environment
     * @param settings the session settings
     * @return the session
     * @throws StoaException {@code BAD_CONFIG} naming the file when ONNX Runtime refuses it
     */
    static OrtEngineSession open(String engine, Path graph, OrtEnvironment environment, SessionSettings settings) {
        try (OrtSession.SessionOptions options = settings.toOptions()) {
            OrtSession session = environment.createSession(graph.toString(), options);
            try {
                return new OrtEngineSession(engine, graph, environment, session);
            } catch (OrtException | RuntimeException e) {
                session.close();
                throw e;
            }
        } catch (OrtException e) {
            throw new StoaException(
                    FailureCode.BAD_CONFIG, "ONNX Runtime cannot open " + graph + ": " + e.getMessage(), e);
        }
    }

    private static List<TensorSignature.Tensor> describe(Map<String, NodeInfo> nodes, Path graph, String what) {
        List<TensorSignature.Tensor> out = new ArrayList<>();
        for (NodeInfo n : nodes.values()) {
            if (!(n.getInfo() instanceof TensorInfo t) || datatype(t.type) == null) {
                throw new StoaException(
                        FailureCode.BAD_CONFIG,
                        graph.getFileName() + ": " + what + " '" + n.getName() + "' is " + n.getInfo()
                                + "; engine sessions take and give FP32, INT64 and INT32 tensors only");
            }
            out.add(new TensorSignature.Tensor(n.getName(), datatype(t.type), t.getShape()));
        }
        return List.copyOf(out);
    }

    private static String datatype(OnnxJavaType type) {
        return switch (type) {
            case FLOAT -> "FP32";
            case INT64 -> "INT64";
            case INT32 -> "INT32";
            default -> null;
        };
    }

    @Override
    public String engine() {
        return engine;
    }

    @Override
    public List<TensorSignature.Tensor> inputs() {
        return inputs;
    }

    @Override
    public List<TensorSignature.Tensor> outputs() {
        return outputs;
    }

    @Override
    public Map<String, HostTensor> run(Map<String, HostTensor> given) throws OrtException {
        lock.readLock().lock();
        try {
            if (closed) {
                throw new StoaException(
                        FailureCode.UNAVAILABLE, "the session of " + graph.getFileName() + " is closed");
            }
            Map<String, OnnxTensor> tensors = wrap(given);
            try (OrtSession.Result result = session.run(tensors)) {
                Map<String, HostTensor> out = new LinkedHashMap<>();
                for (Map.Entry<String, OnnxValue> e : result) {
                    out.put(e.getKey(), copy(e.getKey(), (OnnxTensor) e.getValue()));
                }
                return out;
            } finally {
                tensors.values().forEach(OnnxTensor::close);
            }
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * Checks the inputs against the graph and wraps each in an ONNX Runtime tensor (in place when direct).
     *
     * @param given the inputs by name
     * @return the tensors; the caller closes them
     */
    Map<String, OnnxTensor> wrap(Map<String, HostTensor> given) throws OrtException {
        for (String name : given.keySet()) {
            if (inputs.stream().noneMatch(t -> t.name().equals(name))) {
                throw StoaException.badInput(
                        name,
                        "is not an input of " + graph.getFileName() + "; its inputs are "
                                + inputs.stream()
                                        .map(TensorSignature.Tensor::format)
                                        .toList());
            }
        }
        Map<String, OnnxTensor> out = new LinkedHashMap<>();
        try {
            for (TensorSignature.Tensor want : inputs) {
                HostTensor t = given.get(want.name());
                if (t == null) {
                    throw StoaException.badInput(
                            want.name(), "is missing; " + graph.getFileName() + " needs " + want.format());
                }
                check(want, t);
                out.put(want.name(), tensor(t));
            }
            return out;
        } catch (OrtException | RuntimeException e) {
            out.values().forEach(OnnxTensor::close);
            throw e;
        }
    }

    /**
     * ONNX Runtime wraps a direct buffer of the element type in place; given a {@code ByteBuffer} of a wider type it
     * copies, so the bytes are handed over as a typed view.
     */
    private OnnxTensor tensor(HostTensor t) throws OrtException {
        ByteBuffer bytes = direct(t);
        return switch (t.datatype()) {
            case "FP32" -> OnnxTensor.createTensor(environment, bytes.asFloatBuffer(), t.shape());
            case "INT64" -> OnnxTensor.createTensor(environment, bytes.asLongBuffer(), t.shape());
            default -> OnnxTensor.createTensor(environment, bytes.asIntBuffer(), t.shape());
        };
    }

    /** The tensor's bytes in direct memory: its own buffer when it is direct (no copy), else one copy. */
    private static ByteBuffer direct(HostTensor t) {
        ByteBuffer data = t.data();
        if (data.isDirect()) {
            return data;
        }
        // ONNX Runtime's Java API wraps only direct buffers in place; a heap ByteBuffer of a non-byte type is refused
        ByteBuffer copy = ByteBuffer.allocateDirect(data.remaining()).order(ByteOrder.nativeOrder());
        copy.put(data).flip();
        return copy;
    }

    private void check(TensorSignature.Tensor want, HostTensor t) {
        long[] shape = t.shape();
        boolean fits = want.datatype().equals(t.datatype()) && want.shape().length == shape.length;
        for (int i = 0; fits && i < shape.length; i++) {
            fits = want.shape()[i] < 0 || want.shape()[i] == shape[i];
        }
        if (!fits) {
            throw StoaException.badInput(
                    want.name(),
                    "is " + t.datatype() + Arrays.toString(shape) + "; " + graph.getFileName() + " needs "
                            + want.format() + " (-1: any size)");
        }
    }

    private HostTensor copy(String name, OnnxTensor value) {
        TensorInfo info = value.getInfo();
        String datatype = datatype(info.type);
        if (datatype == null) {
            throw new StoaException(
                    FailureCode.INTERNAL,
                    graph.getFileName() + ": output '" + name + "' is " + info.type + "; FP32, INT64 or INT32 only");
        }
        // the one copy: out of ONNX Runtime's memory, its bytes in the platform's order (HostTensor reads them so)
        return new HostTensor(datatype, info.getShape(), value.getByteBuffer());
    }

    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            if (!closed) {
                closed = true;
                session.close();
            }
        } catch (OrtException e) {
            // the native session is going away either way
        } finally {
            lock.writeLock().unlock();
        }
    }
}
