package dev.stoa.nn.onnx;

/** The element types the exported graphs use, with their {@code TensorProto.DataType} numbers. */
public enum OnnxType {
    /** 32-bit float. */
    FLOAT(1),
    /** 32-bit signed integer. */
    INT32(6),
    /** 64-bit signed integer (token ids, lengths, shapes, indices). */
    INT64(7),
    /** Boolean (masks). */
    BOOL(9),
    /** 16-bit float. */
    FLOAT16(10);

    private final int code;

    OnnxType(int code) {
        this.code = code;
    }

    /** @return the {@code TensorProto.DataType} number */
    public int code() {
        return code;
    }
}
