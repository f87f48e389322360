package dev.stoa.protocol.v2.internal;

import dev.stoa.api.StoaException;
import java.math.BigInteger;
import java.util.Arrays;

/**
 * The element types of the Open Inference Protocol v2, with their size in the binary form (little-endian, no
 * padding; {@code BYTES} elements are each a 4-byte little-endian length and that many bytes) and the range of the
 * whole-number ones. In memory ({@link InferTensor}) every whole-number type is held as {@code long} ({@code UINT64}
 * as its bits), {@code FP16} and {@code FP32} as {@code float}, {@code FP64} as {@code double}.
 */
enum DataType {
    BOOL(1, 0, 1),
    UINT8(1, 0, 0xFFL),
    UINT16(2, 0, 0xFFFFL),
    UINT32(4, 0, 0xFFFF_FFFFL),
    UINT64(8, 0, -1),
    INT8(1, Byte.MIN_VALUE, Byte.MAX_VALUE),
    INT16(2, Short.MIN_VALUE, Short.MAX_VALUE),
    INT32(4, Integer.MIN_VALUE, Integer.MAX_VALUE),
    INT64(8, Long.MIN_VALUE, Long.MAX_VALUE),
    FP16(2, 0, 0),
    FP32(4, 0, 0),
    FP64(8, 0, 0),
    BYTES(0, 0, 0);

    private static final BigInteger UINT64_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

    /** Bytes per element in the binary form; 0 for {@code BYTES}, whose elements vary. */
    final int size;

    private final long min;
    private final long max;

    DataType(int size, long min, long max) {
        this.size = size;
        this.min = min;
        this.max = max;
    }

    /** @return whether values are whole numbers held as {@code long} */
    boolean integral() {
        return this != BOOL && this != FP16 && this != FP32 && this != FP64 && this != BYTES;
    }

    /** @return whether values are floating point */
    boolean floating() {
        return this == FP16 || this == FP32 || this == FP64;
    }

    /**
     * @param name a datatype as a request writes it ({@code FP32})
     * @param field the field, for the message
     * @return the type
     * @throws StoaException {@code BAD_INPUT} naming the field and the datatypes there are
     */
    static DataType parse(Object name, String field) {
        if (name instanceof String s) {
            for (DataType t : values()) {
                if (t.name().equals(s)) {
                    return t;
                }
            }
        }
        throw StoaException.badInput(
                field,
                name == null
                        ? "is missing; give one of " + Arrays.toString(values())
                        : "is '" + name + "'; use one of " + Arrays.toString(values()));
    }

    /**
     * @param value a JSON number
     * @param field the element, for the message
     * @return the value as this whole-number type holds it
     * @throws StoaException {@code BAD_INPUT} for a fraction or a value out of this type's range
     */
    long wholeNumber(Object value, String field) {
        if (!(value instanceof Number n)) {
            throw StoaException.badInput(field, "is " + describe(value) + "; " + name() + " takes whole numbers");
        }
        if (this == UINT64) {
            BigInteger b = n instanceof BigInteger big ? big : exact(n, field);
            if (b.signum() < 0 || b.compareTo(UINT64_MAX) > 0) {
                throw StoaException.badInput(field, "is " + n + ", outside UINT64's range [0, 2^64-1]");
            }
            return b.longValue();
        }
        BigInteger b = n instanceof BigInteger big ? big : exact(n, field);
        if (b.bitLength() > 63 || b.longValue() < min || b.longValue() > max) {
            throw StoaException.badInput(
                    field, "is " + n + ", outside " + name() + "'s range [" + min + ", " + max + "]");
        }
        return b.longValue();
    }

    private static BigInteger exact(Number n, String field) {
        if (n instanceof Double || n instanceof Float || n instanceof java.math.BigDecimal) {
            double d = n.doubleValue();
            if (d != Math.rint(d) || Double.isInfinite(d)) {
                throw StoaException.badInput(field, "is " + n + ", not a whole number");
            }
            return new java.math.BigDecimal(d).toBigInteger();
        }
        return BigInteger.valueOf(n.longValue());
    }

    static String describe(Object value) {
        return value == null
                ? "null"
                : value instanceof String s
                        ? "the string \"" + s + "\""
                        : value.getClass().getSimpleName() + " " + value;
    }
}
