package dev.stoa.protocol.v2.internal;

import dev.stoa.api.StoaException;
import dev.stoa.api.tensor.TensorSignature;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A Stoa service as a model of the Open Inference Protocol v2: its name (the service id), version, tensors and how a
 * v2 request becomes a call on the event bus. The kinds of service that can be reached are its subclasses:
 * {@link TensorServiceModel} (a service that publishes a {@link TensorSignature}: every ONNX model served from a
 * folder), {@link EmbeddingModel} (every encoder: text or images to embeddings).
 */
abstract class ServedModel {

    /** The platform name every model reports in its metadata where no better one is known. */
    static final String PLATFORM = "stoa";

    private final String name;
    private final String version;
    private final String address;
    private final boolean ready;

    ServedModel(String name, String version, String address, boolean ready) {
        this.name = name;
        this.version = version;
        this.address = address;
        this.ready = ready;
    }

    /** @return the model's name: the service's {@code stoa.id} */
    final String name() {
        return name;
    }

    /** @return the version that answers */
    final String version() {
        return version;
    }

    /** @return the service's event-bus address */
    final String address() {
        return address;
    }

    /** @return whether the service answers now (available, and its model, if any, {@code READY}) */
    final boolean ready() {
        return ready;
    }

    /** @return the platform, e.g. {@code onnxruntime_onnx} */
    String platform() {
        return PLATFORM;
    }

    /** @return the tensors the model takes */
    abstract List<TensorSignature.Tensor> inputs();

    /** @return the tensors the model answers */
    abstract List<TensorSignature.Tensor> outputs();

    /**
     * Runs the model: the inputs, checked against {@link #inputs()}, become a call on the bus.
     *
     * @param vertx the platform's Vert.x
     * @param inputs the request's tensors, each named as one of {@link #inputs()}
     * @param options the call's delivery options (timeout, trace headers)
     * @return every output, in the order of {@link #outputs()}
     */
    abstract Future<List<InferTensor>> infer(Vertx vertx, Map<String, InferTensor> inputs, DeliveryOptions options);

    /**
     * Checks the request's inputs against the model's: each one given once, of its datatype and a shape that fits.
     *
     * @return the inputs by name, in the model's order
     * @throws StoaException {@code BAD_INPUT} naming the input and what the model takes
     */
    final Map<String, InferTensor> check(List<InferTensor> given) {
        Map<String, InferTensor> byName = new LinkedHashMap<>();
        Set<String> known = new HashSet<>();
        inputs().forEach(t -> known.add(t.name()));
        for (int i = 0; i < given.size(); i++) {
            InferTensor t = given.get(i);
            if (!known.contains(t.name())) {
                throw StoaException.badInput(
                        "inputs[" + i + "].name",
                        "is '" + t.name() + "', not an input of model '" + name + "'; its inputs are " + inputs());
            }
            if (byName.put(t.name(), t) != null) {
                throw StoaException.badInput("inputs[" + i + "].name", "gives '" + t.name() + "' a second time");
            }
        }
        Map<String, InferTensor> ordered = new LinkedHashMap<>();
        for (TensorSignature.Tensor spec : inputs()) {
            InferTensor t = byName.get(spec.name());
            String field = "inputs[" + given.indexOf(t) + "]";
            if (t == null) {
                throw StoaException.badInput(
                        "inputs", "lacks '" + spec.name() + "'; model '" + name + "' takes " + inputs());
            }
            if (!t.datatype().name().equals(spec.datatype())) {
                throw StoaException.badInput(
                        field + ".datatype",
                        "is " + t.datatype() + " but input " + spec + " of model '" + name + "' takes "
                                + spec.datatype());
            }
            if (!fits(t.shape(), spec.shape())) {
                throw StoaException.badInput(
                        field + ".shape",
                        "is " + Arrays.toString(t.shape()) + "; input " + spec + " of model '" + name + "' takes"
                                + " that shape (-1: any size)");
            }
            ordered.put(spec.name(), t);
        }
        return ordered;
    }

    /** @return whether a shape has the declared rank and each fixed dimension */
    static boolean fits(long[] shape, long[] declared) {
        if (shape.length != declared.length) {
            return false;
        }
        for (int i = 0; i < shape.length; i++) {
            if (declared[i] >= 0 && declared[i] != shape[i]) {
                return false;
            }
        }
        return true;
    }
}
