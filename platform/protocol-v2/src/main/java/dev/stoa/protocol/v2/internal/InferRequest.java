package dev.stoa.protocol.v2.internal;

import dev.stoa.api.StoaException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * An inference request of the Open Inference Protocol v2, from its REST body:
 *
 * <ul>
 *   <li>JSON: {@code {"id": "1", "parameters": {...}, "inputs": [{"name", "datatype", "shape", "data"}],
 *       "outputs": [{"name": "y", "parameters": {"binary_data": true}}]}};</li>
 *   <li>Triton's binary tensor data extension: the header {@code Inference-Header-Content-Length: N} says the body's
 *       first N bytes are that JSON; an input with {@code "parameters": {"binary_data_size": S}} and no {@code data}
 *       takes the next S bytes after it, in the order of the inputs.</li>
 * </ul>
 *
 * An output is asked for in binary by its {@code binary_data} parameter, or all of them by the request's
 * {@code binary_data_output}.
 *
 * @param id the request's id, or {@code null}
 * @param parameters the request's parameters ({@code {}} when none)
 * @param inputs the input tensors, in order
 * @param outputs the outputs asked for; empty for all
 * @param binaryOutputs whether outputs not named in {@code outputs} come back binary ({@code binary_data_output})
 */
record InferRequest(
        String id,
        JsonObject parameters,
        List<InferTensor> inputs,
        List<RequestedOutput> outputs,
        boolean binaryOutputs) {

    /** The header of the binary tensor data extension. */
    static final String HEADER_LENGTH = "Inference-Header-Content-Length";

    /**
     * An output the request asks for.
     *
     * @param name the output's name
     * @param binary whether it comes back as binary data
     */
    record RequestedOutput(String name, boolean binary) {}

    /**
     * @param body the request body
     * @param headerLength the value of {@value #HEADER_LENGTH}, or {@code null} for a body that is all JSON
     * @return the request
     * @throws StoaException {@code BAD_INPUT} naming the field at fault
     */
    static InferRequest parse(Buffer body, String headerLength) {
        if (body == null || body.length() == 0) {
            throw StoaException.badInput(
                    "body", "is empty; send {\"inputs\": [{\"name\", \"datatype\", \"shape\", \"data\"}]}");
        }
        int jsonLength = body.length();
        if (headerLength != null) {
            try {
                jsonLength = Integer.parseInt(headerLength.trim());
            } catch (NumberFormatException e) {
                jsonLength = -1;
            }
            if (jsonLength < 0 || jsonLength > body.length()) {
                throw StoaException.badInput(
                        HEADER_LENGTH,
                        "is '" + headerLength + "'; give the length in bytes of the JSON at the start of the body ("
                                + body.length() + " bytes in all)");
            }
        }
        JsonObject json;
        try {
            json = new JsonObject(body.getBuffer(0, jsonLength));
        } catch (DecodeException | ClassCastException e) {
            throw StoaException.badInput(
                    "body",
                    (headerLength == null
                                    ? "is not a JSON object"
                                    : "its first " + jsonLength + " bytes are not a JSON object")
                            + " (" + e.getMessage() + ")");
        }
        ByteBuffer binary = ByteBuffer.wrap(body.getBytes(jsonLength, body.length()));
        return fromJson(json, binary, headerLength != null);
    }

    /**
     * @param json the request's JSON
     * @param binary the bytes after it (empty when there are none)
     * @param binaryAllowed whether the body had the binary extension's header
     */
    static InferRequest fromJson(JsonObject json, ByteBuffer binary, boolean binaryAllowed) {
        Object id = json.getValue("id");
        JsonObject parameters = object(json.getValue("parameters"), "parameters");
        Object inputsField = json.getValue("inputs");
        if (!(inputsField instanceof JsonArray inputs) || inputs.isEmpty()) {
            throw StoaException.badInput(
                    "inputs",
                    inputsField == null
                            ? "is missing; give a list of tensors {\"name\", \"datatype\", \"shape\", \"data\"}"
                            : "must be a non-empty list of tensors");
        }
        List<InferTensor> tensors = new ArrayList<>();
        int offset = 0;
        for (int i = 0; i < inputs.size(); i++) {
            String field = "inputs[" + i + "]";
            if (!(inputs.getValue(i) instanceof JsonObject input)) {
                throw StoaException.badInput(field, "is not an object {\"name\", \"datatype\", \"shape\", \"data\"}");
            }
            JsonObject p = object(input.getValue("parameters"), field + ".parameters");
            Object size = p.getValue("binary_data_size");
            if (size == null) {
                tensors.add(InferTensor.fromJson(input, field));
                continue;
            }
            if (!binaryAllowed) {
                throw StoaException.badInput(
                        field + ".parameters.binary_data_size",
                        "is set but the request has no " + HEADER_LENGTH + " header; send the JSON's length in it"
                                + " and the tensor's bytes after the JSON");
            }
            if (input.containsKey("data")) {
                throw StoaException.badInput(
                        field + ".data", "is given with binary_data_size; send the tensor in one of the two forms");
            }
            if (!(size instanceof Number n) || n.longValue() < 0 || n.doubleValue() != n.longValue()) {
                throw StoaException.badInput(
                        field + ".parameters.binary_data_size",
                        "is " + DataType.describe(size) + "; give a byte count");
            }
            long bytes = n.longValue();
            if (offset + bytes > binary.remaining()) {
                throw StoaException.badInput(
                        field + ".parameters.binary_data_size",
                        "is " + bytes + " but only " + (binary.remaining() - offset) + " bytes of binary data remain"
                                + " after the earlier inputs'");
            }
            String name = InferTensor.name(input, field);
            DataType datatype = DataType.parse(input.getValue("datatype"), field + ".datatype");
            long[] shape = InferTensor.shape(input.getValue("shape"), field + ".shape");
            ByteBuffer slice = binary.duplicate();
            slice.position(slice.position() + offset).limit(slice.position() + (int) bytes);
            tensors.add(InferTensor.fromBinary(name, datatype, shape, slice, field));
            offset += (int) bytes;
        }
        if (offset != binary.remaining()) {
            throw StoaException.badInput(
                    "body",
                    "has " + (binary.remaining() - offset) + " bytes after the JSON that no input's binary_data_size"
                            + " accounts for");
        }
        boolean binaryOutputs = Boolean.TRUE.equals(parameters.getValue("binary_data_output"));
        List<RequestedOutput> outputs = new ArrayList<>();
        Object outputsField = json.getValue("outputs");
        if (outputsField != null) {
            if (!(outputsField instanceof JsonArray list)) {
                throw StoaException.badInput("outputs", "is not a list of {\"name\": ...}");
            }
            for (int i = 0; i < list.size(); i++) {
                String field = "outputs[" + i + "]";
                if (!(list.getValue(i) instanceof JsonObject o)) {
                    throw StoaException.badInput(field, "is not an object {\"name\": ...}");
                }
                JsonObject p = object(o.getValue("parameters"), field + ".parameters");
                Object b = p.getValue("binary_data");
                outputs.add(new RequestedOutput(
                        InferTensor.name(o, field), b == null ? binaryOutputs : Boolean.TRUE.equals(b)));
            }
        }
        return new InferRequest(id == null ? null : String.valueOf(id), parameters, tensors, outputs, binaryOutputs);
    }

    private static JsonObject object(Object value, String field) {
        if (value == null) {
            return new JsonObject();
        }
        if (value instanceof JsonObject o) {
            return o;
        }
        throw StoaException.badInput(field, "is " + DataType.describe(value) + "; give an object");
    }
}
