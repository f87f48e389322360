package dev.stoa.tensorrt.internal;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import java.util.Locale;

/** The precision an engine is built in. */
enum Precision {
    /** As the ONNX graph is typed (FP32 for the platform's exports). */
    FP32,
    /**
     * Half precision: TensorRT 11 has no FP16 builder flag (its networks are strongly typed), so the parsed network is
     * rewritten to compute in half precision with FP32 inputs and outputs ({@link Fp16Network}).
     */
    FP16;

    /**
     * @param field the setting or argument that holds it, named in the error
     * @param value {@code fp32} or {@code fp16}, in any case
     * @return the precision
     * @throws StoaException {@link FailureCode#BAD_CONFIG} naming the field and the values allowed
     */
    static Precision of(String field, String value) {
        if (value != null) {
            switch (value.strip().toLowerCase(Locale.ROOT)) {
                case "fp32":
                    return FP32;
                case "fp16":
                    return FP16;
                default:
                    break;
            }
        }
        throw new StoaException(
                FailureCode.BAD_CONFIG,
                "'" + field + "' is '" + value + "'; TensorRT engines are built in fp32 or fp16: set one of those");
    }

    /** @return {@code fp32} or {@code fp16}, as configurations write it */
    String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
