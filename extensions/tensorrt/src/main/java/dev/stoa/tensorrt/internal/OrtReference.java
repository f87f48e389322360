package dev.stoa.tensorrt.internal;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.stoa.api.engine.HostTensor;
import dev.stoa.api.tensor.TensorSignature;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * ONNX Runtime on the CPU, for {@link TensorRtCheck}: the reference outputs TensorRT's are compared with, and the
 * latency it is measured against. Runs anywhere (the distribution's {@code lib/} has ONNX Runtime).
 */
final class OrtReference implements AutoCloseable {

    private final OrtEnvironment env;
    private final OrtSession session;

    OrtReference(Path onnx) throws OrtException {
        this.env = OrtEnvironment.getEnvironment();
        this.session = env.createSession(onnx.toString(), new OrtSession.SessionOptions());
    }

    /** @return the graph's inputs, {@code -1} for dynamic dimensions */
    List<TensorSignature.Tensor> inputs() throws OrtException {
        List<TensorSignature.Tensor> list = new ArrayList<>();
        for (Map.Entry<String, NodeInfo> e : session.getInputInfo().entrySet()) {
            if (!(e.getValue().getInfo() instanceof TensorInfo info)) {
                throw new IllegalArgumentException("input '" + e.getKey() + "' is not a tensor");
            }
            list.add(new TensorSignature.Tensor(e.getKey(), datatype(info.type), info.getShape()));
        }
        return list;
    }

    private static String datatype(OnnxJavaType type) {
        return switch (type) {
            case FLOAT -> "FP32";
            case INT64 -> "INT64";
            case INT32 -> "INT32";
            default -> throw new IllegalArgumentException("ONNX Runtime type " + type + " is not FP32, INT64 or INT32");
        };
    }

    /** @return every output, as {@link HostTensor}s */
    Map<String, HostTensor> run(Map<String, HostTensor> inputs) throws OrtException {
        Map<String, OnnxTensor> feed = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, HostTensor> e : inputs.entrySet()) {
                HostTensor t = e.getValue();
                ByteBuffer data = t.data();
                OnnxTensor tensor = switch (t.datatype()) {
                    case "FP32" -> OnnxTensor.createTensor(env, data.asFloatBuffer(), t.shape());
                    case "INT64" -> OnnxTensor.createTensor(env, data.asLongBuffer(), t.shape());
                    default -> OnnxTensor.createTensor(env, data.asIntBuffer(), t.shape());
                };
                feed.put(e.getKey(), tensor);
            }
            Map<String, HostTensor> out = new LinkedHashMap<>();
            try (OrtSession.Result result = session.run(feed)) {
                for (Map.Entry<String, OnnxValue> e : result) {
                    OnnxTensor t = (OnnxTensor) e.getValue();
                    TensorInfo info = t.getInfo();
                    long[] shape = info.getShape();
                    ByteBuffer b;
                    String datatype = datatype(info.type);
                    switch (datatype) {
                        case "FP32" -> {
                            var src = t.getFloatBuffer();
                            b = ByteBuffer.allocateDirect(src.remaining() * 4).order(ByteOrder.nativeOrder());
                            b.asFloatBuffer().put(src);
                        }
                        case "INT64" -> {
                            var src = t.getLongBuffer();
                            b = ByteBuffer.allocateDirect(src.remaining() * 8).order(ByteOrder.nativeOrder());
                            b.asLongBuffer().put(src);
                        }
                        default -> {
                            var src = t.getIntBuffer();
                            b = ByteBuffer.allocateDirect(src.remaining() * 4).order(ByteOrder.nativeOrder());
                            b.asIntBuffer().put(src);
                        }
                    }
                    out.put(e.getKey(), new HostTensor(datatype, shape, b));
                }
            }
            return out;
        } finally {
            feed.values().forEach(OnnxTensor::close);
        }
    }

    @Override
    public void close() throws OrtException {
        session.close();
    }
}
