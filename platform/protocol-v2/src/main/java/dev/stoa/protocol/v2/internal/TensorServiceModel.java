package dev.stoa.protocol.v2.internal;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import dev.stoa.api.tensor.TensorSignature;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A service that publishes a {@link TensorSignature} (every ONNX model served from a folder): the v2 tensors go to
 * it as its tensor list ({@code {"inputs": [{"name", "datatype", "shape", "data"}]}}), and its named outputs come
 * back as tensors; a classification output ({@code {"classes": [[{"index", "label", "score"}]]}}) comes back as
 * Triton's classification extension writes it, {@code BYTES} strings {@code score:index:label}, best first.
 */
final class TensorServiceModel extends ServedModel {

    private final TensorSignature signature;
    private final String platform;

    TensorServiceModel(
            String name, String version, String address, boolean ready, TensorSignature signature, String platform) {
        super(name, version, address, ready);
        this.signature = signature;
        this.platform = platform;
    }

    @Override
    String platform() {
        return platform;
    }

    @Override
    List<TensorSignature.Tensor> inputs() {
        return signature.inputs();
    }

    @Override
    List<TensorSignature.Tensor> outputs() {
        return signature.outputs();
    }

    @Override
    Future<List<InferTensor>> infer(Vertx vertx, Map<String, InferTensor> inputs, DeliveryOptions options) {
        JsonArray tensors = new JsonArray();
        inputs.values().forEach(t -> tensors.add(t.toJson()));
        return vertx.eventBus()
                .<Object>request(address(), new JsonObject().put("inputs", tensors), options)
                .map(reply -> outputs(reply.body()));
    }

    /** @return the service's answer as tensors, in the order of the signature's outputs */
    List<InferTensor> outputs(Object answer) {
        if (!(answer instanceof JsonObject json) || !(json.getValue("outputs") instanceof JsonObject named)) {
            throw new StoaException(
                    FailureCode.INTERNAL, "service '" + name() + "' answered no 'outputs' object: " + answer);
        }
        List<InferTensor> out = new ArrayList<>();
        for (TensorSignature.Tensor spec : signature.outputs()) {
            if (!(named.getValue(spec.name()) instanceof JsonObject o)) {
                throw new StoaException(
                        FailureCode.INTERNAL, "service '" + name() + "' answered no output '" + spec.name() + "'");
            }
            out.add(o.containsKey("classes") ? classes(spec, o.getJsonArray("classes")) : tensor(spec, o));
        }
        return out;
    }

    private InferTensor tensor(TensorSignature.Tensor spec, JsonObject o) {
        String dtype = o.getString("dtype", spec.datatype());
        String datatype = switch (dtype.toLowerCase(Locale.ROOT)) {
            case "float32" -> "FP32";
            case "float64" -> "FP64";
            case "int64" -> "INT64";
            case "int32" -> "INT32";
            case "int8" -> "INT8";
            case "uint8" -> "UINT8";
            case "bool" -> "BOOL";
            default -> dtype.toUpperCase(Locale.ROOT);
        };
        return InferTensor.fromJson(
                new JsonObject()
                        .put("name", spec.name())
                        .put("datatype", datatype)
                        .put("shape", o.getValue("shape"))
                        .put("data", o.getValue("data")),
                "outputs." + spec.name());
    }

    /** @return each row's classes as {@code score:index:label} strings, shape {@code (rows, k)} */
    private static InferTensor classes(TensorSignature.Tensor spec, JsonArray rows) {
        List<byte[]> values = new ArrayList<>();
        int k = 0;
        for (int r = 0; r < rows.size(); r++) {
            JsonArray row = rows.getJsonArray(r);
            k = row.size();
            for (int j = 0; j < row.size(); j++) {
                JsonObject c = row.getJsonObject(j);
                String label = c.getValue("label") == null ? "" : ":" + c.getValue("label");
                values.add((c.getValue("score") + ":" + c.getValue("index") + label).getBytes(StandardCharsets.UTF_8));
            }
        }
        return new InferTensor(spec.name(), DataType.BYTES, new long[] {rows.size(), k}, values.toArray(byte[][]::new));
    }
}
