package dev.stoa.onnxruntime.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes small but real ONNX model files for the tests, encoded as protobuf by hand (field numbers from onnx.proto),
 * so nothing is downloaded and every expected output can be worked out in plain Java. A dimension of -1 is written
 * as a named, free dimension ({@code dim_param}), as exporters write a dynamic batch.
 */
final class OnnxFile {

    /** ONNX element types (TensorProto.DataType). */
    static final int FLOAT = 1;

    static final int INT64 = 7;

    private final Proto graph = new Proto();
    private int dims;

    /** Adds a node; {@code attributes} are (name, ints) pairs written as INT or INTS attributes. */
    OnnxFile node(String op, String[] inputs, String output, Object... attributes) {
        Proto n = new Proto();
        for (String in : inputs) {
            n.string(1, in);
        }
        n.string(2, output).string(3, op + "_" + output).string(4, op);
        for (int i = 0; i < attributes.length; i += 2) {
            Proto a = new Proto().string(1, (String) attributes[i]);
            if (attributes[i + 1] instanceof long[] values) {
                for (long v : values) {
                    a.varint(8, v); // ints
                }
                a.varint(20, 7); // type INTS
            } else {
                a.varint(3, ((Number) attributes[i + 1]).longValue()).varint(20, 2); // i, type INT
            }
            n.message(5, a);
        }
        graph.message(1, n);
        return this;
    }

    /** Adds a float constant. */
    OnnxFile initializer(String name, long[] shape, float[] values) {
        Proto t = new Proto();
        for (long d : shape) {
            t.varint(1, d);
        }
        t.varint(2, FLOAT);
        ByteBuffer raw = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            raw.putFloat(v);
        }
        graph.message(5, t.string(8, name).bytes(9, raw.array()));
        return this;
    }

    OnnxFile input(String name, int type, long... shape) {
        graph.message(11, valueInfo(name, type, shape));
        return this;
    }

    OnnxFile output(String name, int type, long... shape) {
        graph.message(12, valueInfo(name, type, shape));
        return this;
    }

    /** Writes the model (IR 7, opset 13) to {@code file}. */
    Path write(Path file) throws IOException {
        Proto model = new Proto()
                .varint(1, 7) // ir_version
                .string(2, "stoa-tests") // producer_name
                .message(7, graph.string(2, "test_graph"))
                .message(8, new Proto().string(1, "").varint(2, 13)); // opset_import: default domain, opset 13
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.write(file, model.bytes());
        return file;
    }

    private Proto valueInfo(String name, int type, long[] shape) {
        Proto s = new Proto();
        for (long d : shape) {
            s.message(1, d < 0 ? new Proto().string(2, "d" + dims++) : new Proto().varint(1, d));
        }
        Proto tensorType = new Proto().varint(1, type).message(2, s);
        return new Proto().string(1, name).message(2, new Proto().message(1, tensorType));
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
