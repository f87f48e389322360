package dev.stoa.onnxruntime.internal;

import dev.stoa.api.tensor.TensorSignature;
import dev.stoa.onnxruntime.internal.ModelDescriptor.InputSpec;
import dev.stoa.onnxruntime.internal.ModelDescriptor.OutputSpec;
import java.util.Arrays;
import java.util.List;

/**
 * The tensors a model-folder service publishes ({@link TensorSignature}), so the Open Inference Protocol v2 front can
 * describe and call it: each input and output with the v2 datatype of its element type and its resolved shape. A
 * classification output ({@code topK > 0}) answers labelled classes, described as Triton's classification extension
 * writes them: {@code BYTES} strings {@code score:index:label}, {@code topK} per row.
 */
final class ServedSignature {

    private ServedSignature() {}

    static TensorSignature of(List<InputSpec> inputs, List<OutputSpec> outputs) {
        return new TensorSignature(
                inputs.stream()
                        .map(i -> new TensorSignature.Tensor(i.name(), datatype(i.dtype()), i.shape()))
                        .toList(),
                outputs.stream().map(ServedSignature::output).toList());
    }

    private static TensorSignature.Tensor output(OutputSpec o) {
        if (o.post().classifies()) {
            long[] shape = o.shape().length == 0
                    ? new long[] {o.post().topK()}
                    : o.shape().clone();
            shape[shape.length - 1] = o.post().topK();
            return new TensorSignature.Tensor(o.name(), "BYTES", shape);
        }
        return new TensorSignature.Tensor(o.name(), datatype(o.dtype()), Arrays.copyOf(o.shape(), o.shape().length));
    }

    /** @return the Open Inference Protocol v2 name of an element type */
    static String datatype(DType t) {
        return switch (t) {
            case FLOAT32 -> "FP32";
            case FLOAT64 -> "FP64";
            case INT64 -> "INT64";
            case INT32 -> "INT32";
            case INT8 -> "INT8";
            case UINT8 -> "UINT8";
            case BOOL -> "BOOL";
        };
    }
}
