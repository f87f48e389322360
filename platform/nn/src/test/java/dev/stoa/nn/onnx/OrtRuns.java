package dev.stoa.nn.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/** Runs an exported model on ONNX Runtime CPU with DJL arrays in and out, for comparing with the blocks. */
final class OrtRuns {

    private OrtRuns() {}

    /**
     * @param model the model's bytes
     * @param feeds input name -> array (FLOAT32, INT64 or BOOLEAN)
     * @param manager where the outputs are created
     * @return output name -> array (FLOAT32 or INT64 or BOOLEAN as float)
     */
    static Map<String, NDArray> run(byte[] model, Map<String, NDArray> feeds, NDManager manager) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            // no graph rewrites: the graph runs as written, so the comparison tests the export, not ORT's fusions
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.NO_OPT);
            try (OrtSession session = env.createSession(model, options)) {
                Map<String, OnnxTensor> inputs = new HashMap<>();
                try {
                    for (Map.Entry<String, NDArray> e : feeds.entrySet()) {
                        inputs.put(e.getKey(), tensor(env, e.getValue()));
                    }
                    Map<String, NDArray> out = new LinkedHashMap<>();
                    try (OrtSession.Result result = session.run(inputs)) {
                        for (Map.Entry<String, ai.onnxruntime.OnnxValue> e : result) {
                            OnnxTensor t = (OnnxTensor) e.getValue();
                            Shape shape = new Shape(t.getInfo().getShape());
                            NDArray a = switch (t.getInfo().type) {
                                case FLOAT -> manager.create(t.getFloatBuffer(), shape);
                                case INT64 -> manager.create(t.getLongBuffer(), shape);
                                case BOOL -> manager.create(t.getByteBuffer(), shape, DataType.BOOLEAN);
                                default -> throw new IllegalStateException("output type " + t.getInfo());
                            };
                            out.put(e.getKey(), a);
                        }
                    }
                    return out;
                } finally {
                    inputs.values().forEach(OnnxTensor::close);
                }
            }
        }
    }

    private static OnnxTensor tensor(OrtEnvironment env, NDArray a) throws OrtException {
        long[] shape = a.getShape().getShape();
        return switch (a.getDataType()) {
            case FLOAT32 -> OnnxTensor.createTensor(env, FloatBuffer.wrap(a.toFloatArray()), shape);
            case INT64 -> OnnxTensor.createTensor(env, LongBuffer.wrap(a.toLongArray()), shape);
            case BOOLEAN -> {
                boolean[] b = a.toBooleanArray();
                ByteBuffer bytes = ByteBuffer.allocateDirect(b.length);
                for (boolean v : b) {
                    bytes.put((byte) (v ? 1 : 0));
                }
                bytes.rewind();
                yield OnnxTensor.createTensor(env, bytes, shape, OnnxJavaType.BOOL);
            }
            default -> throw new IllegalArgumentException("feed type " + a.getDataType());
        };
    }

    /**
     * Asserts the shapes are equal and returns the largest absolute difference.
     *
     * @param expected DJL's output
     * @param actual ONNX Runtime's
     * @return max |expected - actual|
     */
    static double maxAbsDiff(NDArray expected, NDArray actual) {
        assertThat(actual.getShape()).isEqualTo(expected.getShape());
        float[] e = expected.toType(DataType.FLOAT32, false).toFloatArray();
        float[] a = actual.toType(DataType.FLOAT32, false).toFloatArray();
        double max = 0;
        for (int i = 0; i < e.length; i++) {
            assertThat(Float.isFinite(a[i])).as("ONNX output %d is finite", i).isEqualTo(Float.isFinite(e[i]));
            max = Math.max(max, Math.abs((double) e[i] - a[i]));
        }
        return max;
    }
}
