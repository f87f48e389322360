package dev.stoa.tensorrt.internal;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import org.bytedeco.tensorrt.global.nvinfer.DataType;

/** TensorRT's data types as the Open Inference Protocol names them, and the element widths sessions carry. */
final class Types {

    private Types() {}

    /**
     * @param type a TensorRT data type
     * @return its protocol name, e.g. {@code FP32}
     * @throws StoaException {@link FailureCode#BAD_INPUT} for types the protocol has no name for (BF16, FP8, FP4, INT4)
     */
    static String datatype(DataType type) {
        return switch (type) {
            case kFLOAT -> "FP32";
            case kHALF -> "FP16";
            case kINT8 -> "INT8";
            case kUINT8 -> "UINT8";
            case kINT32 -> "INT32";
            case kINT64 -> "INT64";
            case kBOOL -> "BOOL";
            default ->
                throw StoaException.badInput(
                        "graph",
                        "has a tensor of TensorRT type " + type + ", which Stoa's tensors do not carry;"
                                + " export the graph with FP32, INT64 or INT32 inputs and outputs");
        };
    }

    /**
     * @param datatype a protocol name
     * @return the bytes per element of the types {@link dev.stoa.api.engine.HostTensor} carries, else 0
     */
    static int width(String datatype) {
        return switch (datatype) {
            case "FP32", "INT32" -> 4;
            case "INT64" -> 8;
            default -> 0;
        };
    }
}
