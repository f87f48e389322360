package dev.stoa.onnxruntime.internal;

import ai.onnxruntime.OnnxJavaType;
import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The element types a model-folder service exchanges, with the names a descriptor and a request may use: ONNX's
 * ({@code float}), NumPy's ({@code float32}), Triton's config ({@code TYPE_FP32}) and KServe v2's ({@code FP32}).
 */
enum DType {
    FLOAT32(OnnxJavaType.FLOAT, "float", "fp32", "type_fp32"),
    FLOAT64(OnnxJavaType.DOUBLE, "double", "fp64", "type_fp64"),
    INT64(OnnxJavaType.INT64, "long", "type_int64"),
    INT32(OnnxJavaType.INT32, "int", "type_int32"),
    INT8(OnnxJavaType.INT8, "type_int8"),
    UINT8(OnnxJavaType.UINT8, "type_uint8"),
    BOOL(OnnxJavaType.BOOL, "boolean", "type_bool");

    private final OnnxJavaType onnx;
    private final String[] aliases;

    DType(OnnxJavaType onnx, String... aliases) {
        this.onnx = onnx;
        this.aliases = aliases;
    }

    /** @return the name descriptors and answers use, e.g. {@code float32} */
    String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @return whether values of this type are whole numbers (JSON numbers with a fraction are refused) */
    boolean integral() {
        return this != FLOAT32 && this != FLOAT64;
    }

    /**
     * @param name a type name, any of the spellings in the class comment, any case
     * @param where the field, for the message
     * @param code the failure code when the name is unknown ({@code BAD_CONFIG} in a descriptor, {@code BAD_INPUT}
     *     in a request)
     * @return the type
     */
    static DType parse(String name, String where, FailureCode code) {
        DType t = find(name);
        if (t == null) {
            throw new StoaException(code, "'" + where + "' is '" + name + "'; use one of " + supported());
        }
        return t;
    }

    /** @return the type of that name (any spelling of the class comment), or {@code null} */
    static DType find(String name) {
        String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        for (DType t : values()) {
            if (t.id().equals(n) || Arrays.asList(t.aliases).contains(n)) {
                return t;
            }
        }
        return null;
    }

    /**
     * @param type ONNX Runtime's element type of a model input or output
     * @return the matching type, or {@code null} when model-folder services do not handle it (strings, float16)
     */
    static DType of(OnnxJavaType type) {
        for (DType t : values()) {
            if (t.onnx == type) {
                return t;
            }
        }
        return null;
    }

    /** @return the accepted names, for messages */
    static String supported() {
        return Arrays.stream(values()).map(DType::id).collect(Collectors.joining(", "));
    }
}
