package dev.stoa.protocol.v2.internal;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * The REST answer to an inference request: {@code {"model_name", "model_version", "id", "outputs": [...]}} as JSON,
 * or, when any output is asked for in binary, that JSON (binary outputs carrying {@code "parameters":
 * {"binary_data_size": S}} instead of {@code data}) followed by their bytes in order, its length in the header
 * {@value InferRequest#HEADER_LENGTH}.
 *
 * @param body the whole body
 * @param headerLength the JSON's length when binary data follows it, else -1
 */
record InferResponse(Buffer body, int headerLength) {

    /** @return whether the body carries binary data after its JSON */
    boolean binary() {
        return headerLength >= 0;
    }

    /**
     * @param model the model's name
     * @param version its version
     * @param id the request's id, or {@code null}
     * @param outputs the outputs to send, in order
     * @param binary for each output, whether it goes as binary data
     * @return the answer
     */
    static InferResponse of(String model, String version, String id, List<InferTensor> outputs, List<Boolean> binary) {
        JsonObject json = new JsonObject().put("model_name", model).put("model_version", version);
        if (id != null) {
            json.put("id", id);
        }
        JsonArray list = new JsonArray();
        List<byte[]> blobs = new ArrayList<>();
        for (int i = 0; i < outputs.size(); i++) {
            InferTensor t = outputs.get(i);
            if (binary.get(i)) {
                byte[] bytes = t.toBinary();
                blobs.add(bytes);
                list.add(t.header().put("parameters", new JsonObject().put("binary_data_size", bytes.length)));
            } else {
                list.add(t.toJson());
            }
        }
        json.put("outputs", list);
        Buffer head = json.toBuffer();
        if (blobs.isEmpty()) {
            return new InferResponse(head, -1);
        }
        Buffer body = Buffer.buffer(
                head.length() + blobs.stream().mapToInt(b -> b.length).sum());
        body.appendBuffer(head);
        blobs.forEach(body::appendBytes);
        return new InferResponse(body, head.length());
    }
}
