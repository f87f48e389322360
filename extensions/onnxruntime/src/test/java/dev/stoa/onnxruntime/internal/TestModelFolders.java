package dev.stoa.onnxruntime.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Model folders made by the tests: hand-written ONNX files and their descriptors. */
final class TestModelFolders {

    /** The linear model's weights, row-major (3, 2), and bias. */
    static final float[] W = {1, 2, 3, 4, 5, 6};

    static final float[] B = {0.5f, -1};

    private TestModelFolders() {}

    /**
     * A folder with {@code model.onnx}: {@code y = x W + b}, x float32 (-1, 3), y (-1, 2); and
     * {@code ids_out = ids}, ids int64 (-1, -1); plus the descriptor, when not {@code null}.
     */
    static Path linear(Path folder, String descriptor) throws IOException {
        new OnnxFile()
                .initializer("W", new long[] {3, 2}, W)
                .initializer("B", new long[] {2}, B)
                .node("MatMul", new String[] {"x", "W"}, "xW")
                .node("Add", new String[] {"xW", "B"}, "y")
                .node("Identity", new String[] {"ids"}, "ids_out")
                .input("x", OnnxFile.FLOAT, -1, 3)
                .input("ids", OnnxFile.INT64, -1, -1)
                .output("y", OnnxFile.FLOAT, -1, 2)
                .output("ids_out", OnnxFile.INT64, -1, -1)
                .write(folder.resolve("model.onnx"));
        return describe(folder, descriptor);
    }

    /** @return {@code x W + b} for one row, in plain Java: the value ONNX Runtime must produce */
    static float[] linear(float[] x) {
        float[] y = new float[2];
        for (int j = 0; j < 2; j++) {
            y[j] = B[j];
            for (int i = 0; i < 3; i++) {
                y[j] += x[i] * W[i * 2 + j];
            }
        }
        return y;
    }

    /** A folder whose model returns its image input unchanged: x float32 {@code shape} -> y, so tests see it. */
    static Path identity(Path folder, String descriptor, long... shape) throws IOException {
        new OnnxFile()
                .node("Identity", new String[] {"x"}, "y")
                .input("x", OnnxFile.FLOAT, shape)
                .output("y", OnnxFile.FLOAT, shape)
                .write(folder.resolve("model.onnx"));
        return describe(folder, descriptor);
    }

    private static Path describe(Path folder, String descriptor) throws IOException {
        if (descriptor != null) {
            Files.writeString(folder.resolve(ModelDescriptor.FILE), descriptor);
        }
        return folder;
    }
}
