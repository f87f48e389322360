package dev.stoa.onnxruntime.internal;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.TensorInfo;
import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import java.lang.reflect.Array;
import java.nio.ByteBuffer;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.util.AbstractList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A dense tensor in Java memory: an element type, a shape and the elements in row-major order, held in the primitive
 * array that fits the type ({@code float[]} for float32, {@code double[]} for float64, {@code long[]} for int64,
 * {@code int[]} for int32, {@code byte[]} for int8, uint8 and bool, a bool being 0 or 1).
 *
 * @param dtype the element type
 * @param shape the dimensions, each at least 0
 * @param data the elements, as many as the shape's product, in the array type of {@code dtype}
 */
record Tensor(DType dtype, long[] shape, Object data) {

    Tensor {
        int length = Array.getLength(data);
        if (length != elements(shape)) {
            throw new IllegalArgumentException(length + " elements for shape " + Arrays.toString(shape));
        }
    }

    /** @return the product of the dimensions */
    static long elements(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    /** @return a tensor of zeros (false for bool) */
    static Tensor zeros(DType dtype, long[] shape) {
        int n = Math.toIntExact(elements(shape));
        Object data = switch (dtype) {
            case FLOAT32 -> new float[n];
            case FLOAT64 -> new double[n];
            case INT64 -> new long[n];
            case INT32 -> new int[n];
            case INT8, UINT8, BOOL -> new byte[n];
        };
        return new Tensor(dtype, shape, data);
    }

    /** @return a new ONNX Runtime tensor holding a copy of the elements; the caller closes it */
    OnnxTensor toOnnx(OrtEnvironment environment) throws OrtException {
        return switch (dtype) {
            case FLOAT32 -> OnnxTensor.createTensor(environment, FloatBuffer.wrap((float[]) data), shape);
            case FLOAT64 -> OnnxTensor.createTensor(environment, DoubleBuffer.wrap((double[]) data), shape);
            case INT64 -> OnnxTensor.createTensor(environment, LongBuffer.wrap((long[]) data), shape);
            case INT32 -> OnnxTensor.createTensor(environment, IntBuffer.wrap((int[]) data), shape);
            case INT8 -> OnnxTensor.createTensor(environment, ByteBuffer.wrap((byte[]) data), shape, OnnxJavaType.INT8);
            case UINT8 ->
                OnnxTensor.createTensor(environment, ByteBuffer.wrap((byte[]) data), shape, OnnxJavaType.UINT8);
            case BOOL -> OnnxTensor.createTensor(environment, ByteBuffer.wrap((byte[]) data), shape, OnnxJavaType.BOOL);
        };
    }

    /**
     * Copies an ONNX Runtime output into Java memory, so it outlives the run's result.
     *
     * @param name the output's name, for the message
     * @param value the output
     * @return the copy
     * @throws StoaException {@link FailureCode#INTERNAL} for an element type this service does not handle
     */
    static Tensor read(String name, OnnxTensor value) {
        TensorInfo info = value.getInfo();
        DType dtype = DType.of(info.type);
        if (dtype == null) {
            throw new StoaException(
                    FailureCode.INTERNAL,
                    "output '" + name + "' is of type " + info.type
                            + ", which model-folder services do not return; list only outputs of type "
                            + DType.supported()
                            + " under 'outputs' in " + ModelDescriptor.FILE);
        }
        long[] shape = info.getShape();
        Tensor out = zeros(dtype, shape);
        switch (dtype) {
            case FLOAT32 -> value.getFloatBuffer().get((float[]) out.data);
            case FLOAT64 -> value.getDoubleBuffer().get((double[]) out.data);
            case INT64 -> value.getLongBuffer().get((long[]) out.data);
            case INT32 -> value.getIntBuffer().get((int[]) out.data);
            case INT8, UINT8, BOOL -> value.getByteBuffer().get((byte[]) out.data);
        }
        return out;
    }

    /** @return element {@code i} as a double (bool as 0 or 1, uint8 as 0-255) */
    double get(int i) {
        return switch (dtype) {
            case FLOAT32 -> ((float[]) data)[i];
            case FLOAT64 -> ((double[]) data)[i];
            case INT64 -> ((long[]) data)[i];
            case INT32 -> ((int[]) data)[i];
            case INT8, BOOL -> ((byte[]) data)[i];
            case UINT8 -> ((byte[]) data)[i] & 0xff;
        };
    }

    /** @return the JSON form {@code {"dtype": "float32", "shape": [1, 2], "data": [0.1, 0.9]}}, data row-major */
    Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("dtype", dtype.id());
        json.put("shape", Arrays.stream(shape).boxed().toList());
        json.put("data", elementList());
        return json;
    }

    /** @return the elements as a list that reads the array (no copy); JSON encoders take lists, not arrays */
    List<Object> elementList() {
        int size = Array.getLength(data);
        return new AbstractList<>() {
            @Override
            public Object get(int i) {
                return switch (dtype) {
                    case FLOAT32 -> ((float[]) data)[i];
                    case FLOAT64 -> ((double[]) data)[i];
                    case INT64 -> ((long[]) data)[i];
                    case INT32 -> ((int[]) data)[i];
                    case INT8 -> ((byte[]) data)[i];
                    case UINT8 -> ((byte[]) data)[i] & 0xff;
                    case BOOL -> ((byte[]) data)[i] != 0;
                };
            }

            @Override
            public int size() {
                return size;
            }
        };
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Tensor t
                && dtype == t.dtype
                && Arrays.equals(shape, t.shape)
                && Objects.deepEquals(data, t.data);
    }

    @Override
    public int hashCode() {
        return dtype.hashCode() * 31 + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return "Tensor[" + dtype.id() + " " + Arrays.toString(shape) + "]";
    }
}
