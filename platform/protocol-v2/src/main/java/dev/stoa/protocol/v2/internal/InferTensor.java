package dev.stoa.protocol.v2.internal;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One tensor of the Open Inference Protocol v2: a name, a {@link DataType}, a shape and its elements, flat and
 * row-major. Read from the JSON form ({@code {"name", "datatype", "shape", "data"}}, {@code data} flat or nested) or
 * from the binary form of Triton's binary tensor data extension (little-endian, {@code BYTES} elements each prefixed
 * with a 4-byte little-endian length), and written back to either.
 *
 * <p>The elements are held as {@code boolean[]} ({@code BOOL}), {@code long[]} (every whole-number type),
 * {@code float[]} ({@code FP16}, {@code FP32}), {@code double[]} ({@code FP64}) or {@code byte[][]}
 * ({@code BYTES}). Every check fails with {@code BAD_INPUT} naming the field ({@code inputs[0].shape}).
 */
final class InferTensor {

    private final String name;
    private final DataType datatype;
    private final long[] shape;
    private final Object data;

    /**
     * @param name the tensor's name
     * @param datatype its element type
     * @param shape its shape; the product must be the number of elements
     * @param data the elements, in the array type the class comment gives for {@code datatype}
     */
    InferTensor(String name, DataType datatype, long[] shape, Object data) {
        this.name = name;
        this.datatype = datatype;
        this.shape = shape;
        this.data = data;
        long expected = elements(shape, "shape of '" + name + "'");
        if (length(data) != expected) {
            throw StoaException.badInput(
                    "'" + name + "'",
                    "has " + length(data) + " elements but its shape " + Arrays.toString(shape) + " needs " + expected);
        }
    }

    String name() {
        return name;
    }

    DataType datatype() {
        return datatype;
    }

    long[] shape() {
        return shape.clone();
    }

    /** @return the elements: the array type the class comment gives for the datatype */
    Object data() {
        return data;
    }

    /** @return the number of elements */
    int size() {
        return length(data);
    }

    /** @return a copy with another shape of the same size */
    InferTensor reshaped(long[] newShape) {
        return new InferTensor(name, datatype, newShape, data);
    }

    /** @return a copy under another name */
    InferTensor named(String newName) {
        return new InferTensor(newName, datatype, shape, data);
    }

    // ---- the JSON form ----

    /**
     * @param json {@code {"name": "x", "datatype": "FP32", "shape": [1, 3], "data": [1, 2, 3]}}; {@code data} flat
     *     (row-major) or nested (then its nesting must be the shape)
     * @param field where the tensor sits in the request, e.g. {@code inputs[0]}
     * @return the tensor
     */
    static InferTensor fromJson(JsonObject json, String field) {
        String name = name(json, field);
        DataType datatype = DataType.parse(json.getValue("datatype"), field + ".datatype");
        long[] shape = shape(json.getValue("shape"), field + ".shape");
        Object data = json.getValue("data");
        if (!(data instanceof JsonArray array)) {
            throw StoaException.badInput(
                    field + ".data",
                    data == null
                            ? "is missing; give the " + elements(shape, field + ".shape")
                                    + " elements, flat (row-major) or nested, or send them as binary data with"
                                    + " parameters.binary_data_size"
                            : "is " + DataType.describe(data) + "; give a list of elements");
        }
        List<Object> flat = new ArrayList<>();
        flatten(array, flat);
        long expected = elements(shape, field + ".shape");
        if (flat.size() != expected) {
            throw StoaException.badInput(
                    field + ".data",
                    "has " + flat.size() + " elements but shape " + Arrays.toString(shape) + " needs " + expected);
        }
        return new InferTensor(name, datatype, shape, values(datatype, flat, field + ".data"));
    }

    /** @return {@code {"name", "datatype", "shape", "data"}} with {@code data} flat */
    JsonObject toJson() {
        return header().put("data", dataJson());
    }

    /** @return {@code {"name", "datatype", "shape"}} */
    JsonObject header() {
        JsonArray s = new JsonArray();
        for (long d : shape) {
            s.add(d);
        }
        return new JsonObject()
                .put("name", name)
                .put("datatype", datatype.name())
                .put("shape", s);
    }

    /** @return the elements as a flat JSON list: numbers, booleans, or strings for {@code BYTES} */
    JsonArray dataJson() {
        List<Object> out = new ArrayList<>(size());
        if (data instanceof boolean[] b) {
            for (boolean v : b) out.add(v);
        } else if (data instanceof long[] l) {
            for (long v : l) out.add(datatype == DataType.UINT64 && v < 0 ? unsigned(v) : (Object) v);
        } else if (data instanceof float[] f) {
            for (float v : f) out.add(v);
        } else if (data instanceof double[] d) {
            for (double v : d) out.add(v);
        } else {
            for (byte[] v : (byte[][]) data) out.add(new String(v, StandardCharsets.UTF_8));
        }
        return new JsonArray(out);
    }

    private static java.math.BigInteger unsigned(long v) {
        return new java.math.BigInteger(Long.toUnsignedString(v));
    }

    // ---- the binary form ----

    /**
     * @param name the tensor's name
     * @param datatype its element type
     * @param shape its shape
     * @param bytes the tensor's bytes: exactly {@code binary_data_size} of them
     * @param field where the tensor sits in the request, for messages
     * @return the tensor
     */
    static InferTensor fromBinary(String name, DataType datatype, long[] shape, ByteBuffer bytes, String field) {
        long n = elements(shape, field + ".shape");
        ByteBuffer b = bytes.slice().order(ByteOrder.LITTLE_ENDIAN);
        if (datatype == DataType.BYTES) {
            byte[][] out = new byte[(int) n][];
            for (int i = 0; i < n; i++) {
                if (b.remaining() < 4) {
                    throw StoaException.badInput(
                            field,
                            "binary data ends before element " + i + " of " + n + "; each BYTES element is a"
                                    + " 4-byte little-endian length, then that many bytes");
                }
                int len = b.getInt();
                if (len < 0 || len > b.remaining()) {
                    throw StoaException.badInput(
                            field,
                            "binary element " + i + " claims " + Integer.toUnsignedString(len) + " bytes but "
                                    + b.remaining() + " remain");
                }
                out[i] = new byte[len];
                b.get(out[i]);
            }
            if (b.hasRemaining()) {
                throw StoaException.badInput(
                        field, "binary data has " + b.remaining() + " bytes after its " + n + " BYTES elements");
            }
            return new InferTensor(name, datatype, shape, out);
        }
        long expectedBytes = n * datatype.size;
        if (b.remaining() != expectedBytes) {
            throw StoaException.badInput(
                    field + ".parameters.binary_data_size",
                    "is " + b.remaining() + " but " + datatype + " " + Arrays.toString(shape) + " takes "
                            + expectedBytes + " bytes (" + n + " x " + datatype.size + ")");
        }
        int count = (int) n;
        Object data = switch (datatype) {
            case BOOL -> {
                boolean[] out = new boolean[count];
                for (int i = 0; i < count; i++) {
                    byte v = b.get();
                    if (v != 0 && v != 1) {
                        throw StoaException.badInput(field, "BOOL element " + i + " is " + v + "; use 0 or 1");
                    }
                    out[i] = v == 1;
                }
                yield out;
            }
            case UINT8, UINT16, UINT32, UINT64, INT8, INT16, INT32, INT64 -> {
                long[] out = new long[count];
                for (int i = 0; i < count; i++) {
                    out[i] = readWhole(datatype, b);
                }
                yield out;
            }
            case FP16 -> {
                float[] out = new float[count];
                for (int i = 0; i < count; i++) {
                    out[i] = Half.toFloat(b.getShort());
                }
                yield out;
            }
            case FP32 -> {
                float[] out = new float[count];
                b.asFloatBuffer().get(out);
                yield out;
            }
            case FP64 -> {
                double[] out = new double[count];
                b.asDoubleBuffer().get(out);
                yield out;
            }
            case BYTES -> throw new IllegalStateException();
        };
        return new InferTensor(name, datatype, shape, data);
    }

    private static long readWhole(DataType t, ByteBuffer b) {
        return switch (t) {
            case UINT8 -> b.get() & 0xFFL;
            case UINT16 -> b.getShort() & 0xFFFFL;
            case UINT32 -> b.getInt() & 0xFFFF_FFFFL;
            case INT8 -> b.get();
            case INT16 -> b.getShort();
            case INT32 -> b.getInt();
            default -> b.getLong(); // INT64, UINT64 (its bits)
        };
    }

    /** @return the elements in the binary form (little-endian; {@code BYTES} length-prefixed) */
    byte[] toBinary() {
        int n = size();
        if (datatype == DataType.BYTES) {
            byte[][] bytes = (byte[][]) data;
            int total = 0;
            for (byte[] v : bytes) {
                total += 4 + v.length;
            }
            ByteBuffer out = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
            for (byte[] v : bytes) {
                out.putInt(v.length).put(v);
            }
            return out.array();
        }
        ByteBuffer out = ByteBuffer.allocate(n * datatype.size).order(ByteOrder.LITTLE_ENDIAN);
        switch (datatype) {
            case BOOL -> {
                for (boolean v : (boolean[]) data) out.put((byte) (v ? 1 : 0));
            }
            case UINT8, INT8 -> {
                for (long v : (long[]) data) out.put((byte) v);
            }
            case UINT16, INT16 -> {
                for (long v : (long[]) data) out.putShort((short) v);
            }
            case UINT32, INT32 -> {
                for (long v : (long[]) data) out.putInt((int) v);
            }
            case UINT64, INT64 -> out.asLongBuffer().put((long[]) data);
            case FP16 -> {
                for (float v : (float[]) data) out.putShort(Half.fromFloat(v));
            }
            case FP32 -> out.asFloatBuffer().put((float[]) data);
            case FP64 -> out.asDoubleBuffer().put((double[]) data);
            case BYTES -> throw new IllegalStateException();
        }
        return out.array();
    }

    /** @return the binary form as a Vert.x buffer */
    Buffer toBuffer() {
        return Buffer.buffer(toBinary());
    }

    // ---- helpers ----

    static String name(JsonObject json, String field) {
        Object name = json.getValue("name");
        if (!(name instanceof String s) || s.isEmpty()) {
            throw StoaException.badInput(field + ".name", "is missing; name the tensor");
        }
        return s;
    }

    /**
     * @param value a JSON list of dimensions
     * @param field the field, for messages
     * @return the shape
     */
    static long[] shape(Object value, String field) {
        if (!(value instanceof JsonArray array)) {
            throw StoaException.badInput(
                    field, value == null ? "is missing; give the tensor's dimensions, e.g. [1, 3]" : "is not a list");
        }
        long[] shape = new long[array.size()];
        for (int i = 0; i < shape.length; i++) {
            Object d = array.getValue(i);
            if (!(d instanceof Number n) || n.doubleValue() != n.longValue() || n.longValue() < 0) {
                throw StoaException.badInput(
                        field + "[" + i + "]", "is " + DataType.describe(d) + "; a dimension is a whole number >= 0");
            }
            shape[i] = n.longValue();
        }
        return shape;
    }

    /**
     * @return the number of elements of a shape
     * @throws StoaException {@code BAD_INPUT} for a negative dimension, {@code TOO_LARGE} past 2^31 - 1 elements
     */
    static long elements(long[] shape, String field) {
        long n = 1;
        for (long d : shape) {
            if (d < 0) {
                throw StoaException.badInput(field, "has " + d + "; every dimension of a tensor is >= 0");
            }
            n *= d;
            if (n > Integer.MAX_VALUE - 8 || n < 0) {
                throw new StoaException(
                        FailureCode.TOO_LARGE,
                        "'" + field + "' " + Arrays.toString(shape) + " has more than 2^31 elements; send less");
            }
        }
        return n;
    }

    private static void flatten(JsonArray array, List<Object> out) {
        for (int i = 0; i < array.size(); i++) {
            Object v = array.getValue(i);
            if (v instanceof JsonArray nested) {
                flatten(nested, out);
            } else {
                out.add(v);
            }
        }
    }

    private static Object values(DataType t, List<Object> flat, String field) {
        int n = flat.size();
        switch (t) {
            case BOOL -> {
                boolean[] out = new boolean[n];
                for (int i = 0; i < n; i++) {
                    if (!(flat.get(i) instanceof Boolean b)) {
                        throw StoaException.badInput(
                                field + "[" + i + "]",
                                "is " + DataType.describe(flat.get(i)) + "; BOOL takes true or false");
                    }
                    out[i] = b;
                }
                return out;
            }
            case FP16, FP32 -> {
                float[] out = new float[n];
                for (int i = 0; i < n; i++) {
                    out[i] = (float) number(flat.get(i), t, field + "[" + i + "]");
                }
                return out;
            }
            case FP64 -> {
                double[] out = new double[n];
                for (int i = 0; i < n; i++) {
                    out[i] = number(flat.get(i), t, field + "[" + i + "]");
                }
                return out;
            }
            case BYTES -> {
                byte[][] out = new byte[n][];
                for (int i = 0; i < n; i++) {
                    if (!(flat.get(i) instanceof String s)) {
                        throw StoaException.badInput(
                                field + "[" + i + "]",
                                "is " + DataType.describe(flat.get(i)) + "; BYTES takes strings");
                    }
                    out[i] = s.getBytes(StandardCharsets.UTF_8);
                }
                return out;
            }
            default -> {
                long[] out = new long[n];
                for (int i = 0; i < n; i++) {
                    out[i] = t.wholeNumber(flat.get(i), field + "[" + i + "]");
                }
                return out;
            }
        }
    }

    private static double number(Object v, DataType t, String field) {
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        throw StoaException.badInput(field, "is " + DataType.describe(v) + "; " + t + " takes numbers");
    }

    private static int length(Object data) {
        if (data instanceof boolean[] b) {
            return b.length;
        } else if (data instanceof long[] l) {
            return l.length;
        } else if (data instanceof float[] f) {
            return f.length;
        } else if (data instanceof double[] d) {
            return d.length;
        } else if (data instanceof byte[][] bytes) {
            return bytes.length;
        }
        throw new IllegalArgumentException("not tensor data: " + data);
    }
}
