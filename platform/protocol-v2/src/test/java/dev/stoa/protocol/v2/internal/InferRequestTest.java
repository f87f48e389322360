package dev.stoa.protocol.v2.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Requests and answers as the protocol's own examples write them (KServe's REST spec, Triton's binary extension). */
class InferRequestTest {

    /** The JSON request of the protocol's inference example. */
    private static final String JSON_EXAMPLE = """
            {
              "id" : "42",
              "inputs" : [
                {"name" : "input0", "shape" : [ 2, 2 ], "datatype" : "UINT32", "data" : [ 1, 2, 4, 8 ]},
                {"name" : "input1", "shape" : [ 3 ], "datatype" : "BOOL", "data" : [ true, false, true ]}
              ],
              "outputs" : [ {"name" : "output0"} ]
            }""";

    /** The JSON header of Triton's binary tensor data example: input0's 16 bytes follow it. */
    private static final String BINARY_EXAMPLE = """
            {
              "model_name" : "mymodel",
              "inputs" : [
                {"name" : "input0", "shape" : [ 2, 2 ], "datatype" : "UINT32", "parameters" : {"binary_data_size" : 16}},
                {"name" : "input1", "shape" : [ 3 ], "datatype" : "BOOL", "data" : [ true, false, true ]}
              ],
              "outputs" : [
                {"name" : "output0", "parameters" : {"binary_data" : true}},
                {"name" : "output1"}
              ]
            }""";

    private static StoaException refused(Runnable r) {
        try {
            r.run();
        } catch (StoaException e) {
            return e;
        }
        throw new AssertionError("not refused");
    }

    private static Buffer withBinary(String json, byte[] binary) {
        return Buffer.buffer(json).appendBytes(binary);
    }

    private static byte[] uint32(int... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : values) {
            b.putInt(v);
        }
        return b.array();
    }

    @Test
    void theProtocolsJsonExampleReads() {
        InferRequest r = InferRequest.parse(Buffer.buffer(JSON_EXAMPLE), null);
        assertThat(r.id()).isEqualTo("42");
        assertThat(r.inputs()).hasSize(2);
        assertThat(r.inputs().get(0).datatype()).isEqualTo(DataType.UINT32);
        assertThat((long[]) r.inputs().get(0).data()).containsExactly(1, 2, 4, 8);
        assertThat((boolean[]) r.inputs().get(1).data()).containsExactly(true, false, true);
        assertThat(r.outputs()).containsExactly(new InferRequest.RequestedOutput("output0", false));
    }

    @Test
    void tritonsBinaryExampleReadsTheTensorAfterTheJson() {
        Buffer body = withBinary(BINARY_EXAMPLE, uint32(1, 2, 4, 8));
        InferRequest r = InferRequest.parse(body, Integer.toString(BINARY_EXAMPLE.length()));
        assertThat((long[]) r.inputs().get(0).data()).containsExactly(1, 2, 4, 8);
        assertThat(r.inputs().get(0).shape()).containsExactly(2, 2);
        assertThat((boolean[]) r.inputs().get(1).data()).containsExactly(true, false, true);
        assertThat(r.outputs())
                .containsExactly(
                        new InferRequest.RequestedOutput("output0", true),
                        new InferRequest.RequestedOutput("output1", false));
    }

    @Test
    void binaryInputsTakeTheirBytesInTheOrderOfTheInputs() {
        String json = new JsonObject()
                .put(
                        "inputs",
                        new JsonArray().add(binaryInput("a", "UINT32", 2, 8)).add(binaryInput("b", "UINT32", 1, 4)))
                .encode();
        InferRequest r = InferRequest.parse(withBinary(json, uint32(7, 8, 9)), Integer.toString(json.length()));
        assertThat((long[]) r.inputs().get(0).data()).containsExactly(7, 8);
        assertThat((long[]) r.inputs().get(1).data()).containsExactly(9);
    }

    @Test
    void binaryDataOutputAsksForEveryOutputInBinary() {
        InferRequest r = InferRequest.parse(
                Buffer.buffer("{\"parameters\": {\"binary_data_output\": true}, \"inputs\": [{\"name\": \"x\","
                        + " \"datatype\": \"FP32\", \"shape\": [1], \"data\": [1]}]}"),
                null);
        assertThat(r.binaryOutputs()).isTrue();
        assertThat(r.outputs()).isEmpty();
    }

    @Test
    void binaryMistakesAreRefusedNamingTheField() {
        byte[] data = uint32(1, 2, 4, 8);
        // no header: the binary extension is not in use
        StoaException noHeader = refused(() -> InferRequest.parse(Buffer.buffer(BINARY_EXAMPLE), null));
        assertThat(noHeader.getMessage())
                .contains("'inputs[0].parameters.binary_data_size'")
                .contains("Inference-Header-Content-Length");
        // a header longer than the body
        assertThat(refused(() -> InferRequest.parse(withBinary(BINARY_EXAMPLE, data), "99999"))
                        .getMessage())
                .contains("'Inference-Header-Content-Length'");
        assertThat(refused(() -> InferRequest.parse(withBinary(BINARY_EXAMPLE, data), "ten"))
                        .code())
                .isEqualTo(FailureCode.BAD_INPUT);
        // too few bytes after the JSON
        assertThat(refused(() -> InferRequest.parse(
                                withBinary(BINARY_EXAMPLE, uint32(1, 2)), Integer.toString(BINARY_EXAMPLE.length())))
                        .getMessage())
                .contains("only 8 bytes of binary data remain");
        // bytes nobody claims
        assertThat(refused(() -> InferRequest.parse(
                                withBinary(BINARY_EXAMPLE, uint32(1, 2, 4, 8, 16)),
                                Integer.toString(BINARY_EXAMPLE.length())))
                        .getMessage())
                .contains("4 bytes after the JSON");
        // a header length that cuts the JSON
        assertThat(refused(() -> InferRequest.parse(withBinary(BINARY_EXAMPLE, data), "10"))
                        .getMessage())
                .contains("first 10 bytes are not a JSON object");
    }

    @Test
    void jsonMistakesAreRefusedNamingTheField() {
        assertThat(refused(() -> InferRequest.parse(Buffer.buffer(""), null)).getMessage())
                .contains("'body'");
        assertThat(refused(() -> InferRequest.parse(Buffer.buffer("[1]"), null)).getMessage())
                .contains("'body'");
        assertThat(refused(() -> InferRequest.parse(Buffer.buffer("{}"), null)).getMessage())
                .contains("'inputs'");
        assertThat(refused(() -> InferRequest.parse(Buffer.buffer("{\"inputs\": [{\"datatype\": \"FP32\"}]}"), null))
                        .getMessage())
                .contains("'inputs[0].name'");
        assertThat(refused(() -> InferRequest.parse(
                                Buffer.buffer("{\"inputs\": [{\"name\": \"x\", \"datatype\": \"FP32\", \"shape\": [1],"
                                        + " \"data\": [1]}], \"outputs\": [{}]}"),
                                null))
                        .getMessage())
                .contains("'outputs[0].name'");
    }

    @Test
    void anAnswerWithBinaryOutputsPutsTheirBytesAfterTheJsonInOrder() {
        InferTensor y = new InferTensor("y", DataType.FP32, new long[] {2}, new float[] {1.5f, -2f});
        InferTensor label = new InferTensor("label", DataType.BYTES, new long[] {1}, new byte[][] {"cat".getBytes()});
        InferResponse r = InferResponse.of("m", "1", "42", List.of(y, label), List.of(true, false));
        assertThat(r.binary()).isTrue();
        JsonObject header = new JsonObject(r.body().getBuffer(0, r.headerLength()));
        assertThat(header.getString("id")).isEqualTo("42");
        JsonObject first = header.getJsonArray("outputs").getJsonObject(0);
        assertThat(first.getJsonObject("parameters").getInteger("binary_data_size"))
                .isEqualTo(8);
        assertThat(first.containsKey("data")).isFalse();
        assertThat(header.getJsonArray("outputs").getJsonObject(1).getJsonArray("data"))
                .isEqualTo(new JsonArray().add("cat"));
        ByteBuffer tail = ByteBuffer.wrap(
                        r.body().getBytes(r.headerLength(), r.body().length()))
                .order(ByteOrder.LITTLE_ENDIAN);
        assertThat(tail.remaining()).isEqualTo(8);
        assertThat(tail.getFloat()).isEqualTo(1.5f);
        assertThat(tail.getFloat()).isEqualTo(-2f);

        InferResponse plain = InferResponse.of("m", "1", null, List.of(y), List.of(false));
        assertThat(plain.binary()).isFalse();
        assertThat(new JsonObject(plain.body())
                        .getJsonArray("outputs")
                        .getJsonObject(0)
                        .getJsonArray("data"))
                .isEqualTo(new JsonArray().add(1.5f).add(-2f));
    }

    private static JsonObject binaryInput(String name, String datatype, int count, int bytes) {
        return new JsonObject()
                .put("name", name)
                .put("datatype", datatype)
                .put("shape", new JsonArray().add(count))
                .put("parameters", new JsonObject().put("binary_data_size", bytes));
    }
}
