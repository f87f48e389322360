package dev.stoa.protocol.v2.internal;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import dev.stoa.api.data.Embedding;
import dev.stoa.api.data.Text;
import dev.stoa.api.tensor.TensorSignature;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * An encoder (a service from {@code Text} or {@code Image} to {@code Embedding}: the sentence encoders, CLIP's text
 * and image towers) as a v2 model: one {@code BYTES} input of shape {@code [-1]}, {@code text} (UTF-8 strings) or
 * {@code image} (the bytes of PNG or JPEG files), and one output {@code embedding}, {@code FP32 [-1, D]}. Each
 * element is one call on the bus, all sent at once (the bus batches them where {@code etc/dev.stoa.bus.cfg} says
 * so); the answer keeps their order.
 */
final class EmbeddingModel extends ServedModel {

    /** What the encoder reads. */
    enum Modality {
        TEXT("text"),
        IMAGE("image");

        final String input;

        Modality(String input) {
            this.input = input;
        }
    }

    private final Modality modality;
    private final long dimension;

    /**
     * @param dimension the embedding's length, or -1 when the service does not say
     */
    EmbeddingModel(String name, String version, String address, boolean ready, Modality modality, long dimension) {
        super(name, version, address, ready);
        this.modality = modality;
        this.dimension = dimension;
    }

    @Override
    List<TensorSignature.Tensor> inputs() {
        return List.of(new TensorSignature.Tensor(modality.input, "BYTES", new long[] {-1}));
    }

    @Override
    List<TensorSignature.Tensor> outputs() {
        return List.of(new TensorSignature.Tensor("embedding", "FP32", new long[] {-1, dimension}));
    }

    @Override
    Future<List<InferTensor>> infer(Vertx vertx, Map<String, InferTensor> inputs, DeliveryOptions options) {
        byte[][] elements = (byte[][]) inputs.get(modality.input).data();
        if (elements.length == 0) {
            throw StoaException.badInput("inputs[0].shape", "is [0]; send at least one " + modality.input);
        }
        List<Future<float[]>> calls = new ArrayList<>(elements.length);
        for (byte[] element : elements) {
            // text as the record (passed by reference in this JVM); an image as its JSON form, so the file is decoded
            // on the bus's worker thread rather than on this event loop
            Object body = modality == Modality.TEXT
                    ? new Text(new String(element, StandardCharsets.UTF_8))
                    : new JsonObject().put("image", Base64.getEncoder().encodeToString(element));
            calls.add(vertx.eventBus().<Object>request(address(), body, options).map(r -> vector(r.body())));
        }
        return Future.all(calls).map(all -> {
            int d = calls.get(0).result().length;
            float[] flat = new float[elements.length * d];
            for (int i = 0; i < elements.length; i++) {
                float[] v = calls.get(i).result();
                if (v.length != d) {
                    throw new StoaException(
                            FailureCode.INTERNAL,
                            "service '" + name() + "' answered embeddings of lengths " + d + " and " + v.length);
                }
                System.arraycopy(v, 0, flat, i * d, d);
            }
            return List.of(new InferTensor("embedding", DataType.FP32, new long[] {elements.length, d}, flat));
        });
    }

    private float[] vector(Object answer) {
        if (answer instanceof Embedding e) {
            return e.vector();
        }
        if (answer instanceof JsonObject json && json.getValue("embedding") instanceof JsonArray a) {
            float[] v = new float[a.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = a.getNumber(i).floatValue();
            }
            return v;
        }
        throw new StoaException(FailureCode.INTERNAL, "service '" + name() + "' answered no embedding: " + answer);
    }
}
