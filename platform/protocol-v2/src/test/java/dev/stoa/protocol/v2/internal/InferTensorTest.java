package dev.stoa.protocol.v2.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class InferTensorTest {

    private static InferTensor json(String datatype, String shape, String data) {
        return InferTensor.fromJson(
                new JsonObject("{\"name\": \"x\", \"datatype\": \"" + datatype + "\", \"shape\": " + shape
                        + ", \"data\": " + data + "}"),
                "inputs[0]");
    }

    private static StoaException refused(Runnable r) {
        try {
            r.run();
        } catch (StoaException e) {
            return e;
        }
        throw new AssertionError("not refused");
    }

    /** Each datatype's extremes, read from JSON, written to binary by hand-worked bytes, and read back. */
    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "BOOL   | [true, false]             | 01 00",
                "UINT8  | [0, 255]                  | 00 ff",
                "UINT16 | [1, 65535]                | 01 00 ff ff",
                "UINT32 | [4294967295, 2]           | ff ff ff ff 02 00 00 00",
                "UINT64 | [18446744073709551615, 1] | ff ff ff ff ff ff ff ff 01 00 00 00 00 00 00 00",
                "INT8   | [-128, 127]               | 80 7f",
                "INT16  | [-32768, 258]             | 00 80 02 01",
                "INT32  | [-1, 16909060]            | ff ff ff ff 04 03 02 01",
                "INT64  | [-2, 9223372036854775807] | fe ff ff ff ff ff ff ff ff ff ff ff ff ff ff 7f",
                "FP16   | [1.0, -2.0]               | 00 3c 00 c0",
                "FP32   | [1.0, -0.5]               | 00 00 80 3f 00 00 00 bf",
                "FP64   | [1.0, 0.25]               | 00 00 00 00 00 00 f0 3f 00 00 00 00 00 00 d0 3f",
                "BYTES  | [\"hi\", \"\"]            | 02 00 00 00 68 69 00 00 00 00",
            })
    void everyDatatypeReadsFromJsonAndRoundTripsThroughTheBinaryForm(String datatype, String data, String hex) {
        InferTensor t = json(datatype, "[2]", data);
        byte[] expected = bytes(hex);
        assertThat(t.toBinary()).containsExactly(expected);

        InferTensor back = InferTensor.fromBinary(
                "x", DataType.valueOf(datatype), new long[] {2}, ByteBuffer.wrap(expected), "inputs[0]");
        assertThat(back.dataJson()).isEqualTo(t.dataJson());
        assertThat(back.toJson().getJsonArray("shape")).isEqualTo(new JsonArray().add(2L));
        assertThat(back.datatype().name()).isEqualTo(datatype);
    }

    @Test
    void uint64AboveLongMaxIsWrittenBackAsTheUnsignedNumber() {
        InferTensor t = json("UINT64", "[1]", "[18446744073709551615]");
        assertThat(t.dataJson().getValue(0)).isEqualTo(new BigInteger("18446744073709551615"));
    }

    @Test
    void nestedDataIsFlattenedRowMajor() {
        InferTensor t = json("FP32", "[2, 3]", "[[1, 2, 3], [4, 5, 6]]");
        assertThat((float[]) t.data()).containsExactly(1, 2, 3, 4, 5, 6);
        assertThat(t.shape()).containsExactly(2, 3);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "INT8   | [128]          | inputs[0].data[0] | outside INT8's range",
                "UINT8  | [-1]           | inputs[0].data[0] | outside UINT8's range",
                "UINT16 | [65536]        | inputs[0].data[0] | outside UINT16's range",
                "INT32  | [1.5]          | inputs[0].data[0] | not a whole number",
                "INT64  | [\"1\"]        | inputs[0].data[0] | takes whole numbers",
                "BOOL   | [1]            | inputs[0].data[0] | takes true or false",
                "FP32   | [true]         | inputs[0].data[0] | takes numbers",
                "BYTES  | [1]            | inputs[0].data[0] | takes strings",
            })
    void valuesOutsideTheDatatypeAreRefusedNamingTheElement(
            String datatype, String data, String field, String problem) {
        StoaException e = refused(() -> json(datatype, "[1]", data));
        assertThat(e.code()).isEqualTo(FailureCode.BAD_INPUT);
        assertThat(e.getMessage()).contains("'" + field + "'").contains(problem);
    }

    @Test
    void dataThatDoesNotFillTheShapeIsRefused() {
        StoaException e = refused(() -> json("FP32", "[2, 2]", "[1, 2, 3]"));
        assertThat(e.code()).isEqualTo(FailureCode.BAD_INPUT);
        assertThat(e.getMessage())
                .contains("'inputs[0].data'")
                .contains("has 3 elements")
                .contains("needs 4");
    }

    @Test
    void badShapesAndDatatypesAreRefused() {
        assertThat(refused(() -> json("FP32", "[-1]", "[]")).getMessage()).contains("'inputs[0].shape[0]'");
        assertThat(refused(() -> json("FLOAT", "[1]", "[1]")).getMessage())
                .contains("'inputs[0].datatype'")
                .contains("FP32");
        assertThat(refused(() -> InferTensor.fromJson(
                                new JsonObject().put("name", "x").put("datatype", "FP32"), "in"))
                        .getMessage())
                .contains("'in.shape'");
        StoaException huge = refused(() -> json("FP32", "[100000, 100000]", "[]"));
        assertThat(huge.code()).isEqualTo(FailureCode.TOO_LARGE);
    }

    @ParameterizedTest
    @EnumSource(
            value = DataType.class,
            names = {"FP32", "INT64", "UINT16", "FP16"})
    void binaryOfTheWrongSizeIsRefusedNamingBinaryDataSize(DataType t) {
        StoaException e = refused(() ->
                InferTensor.fromBinary("x", t, new long[] {3}, ByteBuffer.wrap(new byte[3 * t.size + 1]), "inputs[1]"));
        assertThat(e.getMessage())
                .contains("'inputs[1].parameters.binary_data_size'")
                .contains("takes " + 3 * t.size + " bytes");
    }

    @Test
    void binaryBytesElementsAreCheckedAgainstWhatRemains() {
        ByteBuffer b = ByteBuffer.allocate(8)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putInt(100)
                .putInt(0)
                .flip();
        assertThat(refused(() -> InferTensor.fromBinary("s", DataType.BYTES, new long[] {2}, b, "inputs[0]"))
                        .getMessage())
                .contains("claims 100 bytes but 4 remain");
        ByteBuffer trailing = ByteBuffer.allocate(6)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putInt(1)
                .put((byte) 'a')
                .put((byte) 'b')
                .flip();
        assertThat(refused(() -> InferTensor.fromBinary("s", DataType.BYTES, new long[] {1}, trailing, "inputs[0]"))
                        .getMessage())
                .contains("1 bytes after its 1 BYTES elements");
        ByteBuffer two = ByteBuffer.allocate(2).put((byte) 2).put((byte) 1).flip();
        assertThat(refused(() -> InferTensor.fromBinary("b", DataType.BOOL, new long[] {2}, two, "inputs[0]"))
                        .getMessage())
                .contains("BOOL element 0 is 2");
    }

    @Test
    void fp16ConvertsAsIeeeHalfPrecision() {
        // values worked out from the IEEE 754 binary16 layout: sign, 5-bit exponent (bias 15), 10-bit mantissa
        assertThat(Half.fromFloat(1.0f)).isEqualTo((short) 0x3C00);
        assertThat(Half.fromFloat(65504f)).isEqualTo((short) 0x7BFF); // the largest half
        assertThat(Half.fromFloat(65520f)).isEqualTo((short) 0x7C00); // rounds up to infinity
        assertThat(Half.fromFloat(0.1f)).isEqualTo((short) 0x2E66);
        assertThat(Half.fromFloat(0x1.0p-24f)).isEqualTo((short) 0x0001); // the smallest subnormal
        assertThat(Half.fromFloat(-0.0f)).isEqualTo((short) 0x8000);
        assertThat(Half.toFloat((short) 0x3555)).isEqualTo(0.33325195f);
        assertThat(Half.toFloat((short) 0x0001)).isEqualTo(0x1.0p-24f);
        assertThat(Half.toFloat((short) 0xFC00)).isEqualTo(Float.NEGATIVE_INFINITY);
        assertThat(Float.isNaN(Half.toFloat((short) 0x7E00))).isTrue();
        for (int bits = 0; bits < 0x7C00; bits++) {
            assertThat(Half.fromFloat(Half.toFloat((short) bits))).isEqualTo((short) bits);
        }
    }

    @Test
    void bytesAreUtf8() {
        InferTensor t = json("BYTES", "[1]", "[\"café\"]");
        assertThat(((byte[][]) t.data())[0]).isEqualTo("café".getBytes(StandardCharsets.UTF_8));
    }

    static byte[] bytes(String hex) {
        String[] parts = hex.trim().split("\\s+");
        byte[] out = new byte[parts.length];
        for (int i = 0; i < parts.length; i++) {
            out[i] = (byte) Integer.parseInt(parts[i], 16);
        }
        return out;
    }
}
