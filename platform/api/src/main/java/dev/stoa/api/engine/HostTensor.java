package dev.stoa.api.engine;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A dense tensor in host memory, row-major, in the platform's byte order ({@link ByteOrder#nativeOrder()}), as engines
 * take and give it.
 *
 * @param datatype {@code FP32}, {@code INT64} or {@code INT32} (the Open Inference Protocol's names)
 * @param shape its shape
 * @param data its elements, positioned at 0; read-only views are handed out
 */
public record HostTensor(String datatype, long[] shape, ByteBuffer data) {

    public HostTensor {
        int width = switch (datatype) {
            case "FP32", "INT32" -> 4;
            case "INT64" -> 8;
            default -> throw new IllegalArgumentException("datatype is '" + datatype + "'; use FP32, INT64 or INT32");
        };
        long count = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " has a negative dimension");
            }
            count = Math.multiplyExact(count, d);
        }
        if (data.remaining() != count * width) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " of " + datatype + " needs "
                    + count * width + " bytes, got " + data.remaining());
        }
        shape = shape.clone();
        data = data.slice().order(ByteOrder.nativeOrder());
    }

    /**
     * @param shape the shape
     * @param values the elements, row-major
     * @return an FP32 tensor
     */
    public static HostTensor ofFloats(long[] shape, float[] values) {
        ByteBuffer b = ByteBuffer.allocateDirect(values.length * 4).order(ByteOrder.nativeOrder());
        b.asFloatBuffer().put(values);
        return new HostTensor("FP32", shape, b);
    }

    /**
     * @param shape the shape
     * @param values the elements, row-major
     * @return an INT64 tensor
     */
    public static HostTensor ofLongs(long[] shape, long[] values) {
        ByteBuffer b = ByteBuffer.allocateDirect(values.length * 8).order(ByteOrder.nativeOrder());
        b.asLongBuffer().put(values);
        return new HostTensor("INT64", shape, b);
    }

    /** @return the shape (a copy) */
    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** @return a read-only view of the elements, at position 0 */
    @Override
    public ByteBuffer data() {
        return data.asReadOnlyBuffer().order(ByteOrder.nativeOrder());
    }

    /** @return the elements of an FP32 tensor */
    public float[] floats() {
        if (!"FP32".equals(datatype)) {
            throw new IllegalStateException("tensor is " + datatype + ", not FP32");
        }
        float[] out = new float[data.remaining() / 4];
        data().asFloatBuffer().get(out);
        return out;
    }

    /** @return the elements of an INT64 tensor */
    public long[] longs() {
        if (!"INT64".equals(datatype)) {
            throw new IllegalStateException("tensor is " + datatype + ", not INT64");
        }
        long[] out = new long[data.remaining() / 8];
        data().asLongBuffer().get(out);
        return out;
    }
}
