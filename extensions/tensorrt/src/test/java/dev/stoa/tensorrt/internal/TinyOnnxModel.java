package dev.stoa.tensorrt.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a real ONNX model file, {@code Y = X W + B} with X (batch, 3), W (3, 2), B (2) and a dynamic batch
 * dimension, encoded as protobuf by hand (field numbers from onnx.proto; as itests/osgi's TinyOnnxModel, with a
 * dim_param for the batch), so that tests need no model download and can compute the expected output in plain Java.
 */
final class TinyOnnxModel {

    static final float[] W = {1, 2, 3, 4, 5, 6}; // row-major (3, 2)
    static final float[] B = {0.5f, -1};

    private TinyOnnxModel() {}

    /** @return {@code X W + B} for the rows of X (row-major, 3 columns), computed in plain Java */
    static float[] expected(float[] x) {
        int rows = x.length / 3;
        float[] y = new float[rows * 2];
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < 2; j++) {
                y[r * 2 + j] = B[j];
                for (int i = 0; i < 3; i++) {
                    y[r * 2 + j] += x[r * 3 + i] * W[i * 2 + j];
                }
            }
        }
        return y;
    }

    static Path write(Path file) throws IOException {
        return write(file, new long[] {-1, 3});
    }

    /** @param xShape X's declared shape, {@code -1} for a dynamic dimension (its columns are 3 whatever it says) */
    static Path write(Path file, long[] xShape) throws IOException {
        Proto graph = new Proto()
                .message(1, node("MatMul", new String[] {"X", "W"}, "XW"))
                .message(1, node("Add", new String[] {"XW", "B"}, "Y"))
                .string(2, "tiny_linear")
                .message(5, tensor("W", new long[] {3, 2}, W))
                .message(5, tensor("B", new long[] {2}, B))
                .message(11, valueInfo("X", xShape))
                .message(12, valueInfo("Y", new long[] {-1, 2}));
        Proto model = new Proto()
                .varint(1, 7) // ir_version
                .string(2, "stoa-itests") // producer_name
                .message(7, graph)
                .message(8, new Proto().string(1, "").varint(2, 13)); // opset_import: default domain, opset 13
        Files.createDirectories(file.getParent());
        Files.write(file, model.bytes());
        return file;
    }

    private static Proto node(String op, String[] inputs, String output) {
        Proto n = new Proto();
        for (String in : inputs) {
            n.string(1, in);
        }
        return n.string(2, output).string(3, op + "_" + output).string(4, op);
    }

    private static Proto tensor(String name, long[] dims, float[] values) {
        Proto t = new Proto();
        for (long d : dims) {
            t.varint(1, d);
        }
        t.varint(2, 1); // data_type FLOAT
        ByteBuffer raw = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            raw.putFloat(v);
        }
        return t.string(8, name).bytes(9, raw.array()); // name, raw_data
    }

    private static Proto valueInfo(String name, long[] dims) {
        Proto shape = new Proto();
        for (long d : dims) {
            // dim { dim_value } or, for -1, dim { dim_param: "batch" }
            shape.message(1, d < 0 ? new Proto().string(2, "batch") : new Proto().varint(1, d));
        }
        Proto tensorType = new Proto().varint(1, 1).message(2, shape); // elem_type FLOAT, shape
        return new Proto().string(1, name).message(2, new Proto().message(1, tensorType)); // type { tensor_type }
    }

    /** The protobuf wire format, just the parts an ONNX file needs. */
    private static final class Proto {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Proto varint(int field, long value) {
            tag(field, 0);
            writeVarint(value);
            return this;
        }

        Proto string(int field, String value) {
            return bytes(field, value.getBytes(StandardCharsets.UTF_8));
        }

        Proto message(int field, Proto value) {
            return bytes(field, value.bytes());
        }

        Proto bytes(int field, byte[] value) {
            tag(field, 2);
            writeVarint(value.length);
            out.writeBytes(value);
            return this;
        }

        byte[] bytes() {
            return out.toByteArray();
        }

        private void tag(int field, int wireType) {
            writeVarint((long) field << 3 | wireType);
        }

        private void writeVarint(long v) {
            while ((v & ~0x7FL) != 0) {
                out.write((int) (v & 0x7F) | 0x80);
                v >>>= 7;
            }
            out.write((int) v);
        }
    }
}
