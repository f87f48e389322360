package dev.stoa.protocol.v2.internal;

import dev.stoa.api.StoaException;
import dev.stoa.api.tensor.TensorSignature;
import dev.stoa.vertx.BusFailures;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One inference, whichever door it came through (REST or gRPC): finds the model, checks the inputs, calls the
 * service on the bus with the call's timeout and the caller's W3C trace context ({@code traceparent},
 * {@code tracestate} as delivery headers of those names), and keeps the outputs asked for. Failures come back as
 * {@link StoaException}s with the platform's code, read through {@link BusFailures}.
 */
final class Inference {

    /** The W3C trace context headers, copied into the bus call's headers of the same names. */
    static final List<String> TRACE_HEADERS = List.of("traceparent", "tracestate");

    private final Vertx vertx;
    private final ModelCatalog catalog;
    private final long timeoutMs;

    Inference(Vertx vertx, ModelCatalog catalog, long timeoutMs) {
        this.vertx = vertx;
        this.catalog = catalog;
        this.timeoutMs = timeoutMs;
    }

    /**
     * The result of a call.
     *
     * @param model the model that answered
     * @param outputs the outputs asked for, in the order asked (all of them, in the model's order, when none were)
     */
    record Result(ServedModel model, List<InferTensor> outputs) {}

    /**
     * @param name the model's name
     * @param version the version asked for, or {@code null}/empty
     * @param inputs the request's tensors
     * @param requested the names of the outputs asked for; empty for all
     * @param trace the caller's trace headers by name (absent ones {@code null})
     * @return the result; failed with a {@link StoaException}
     */
    Future<Result> run(
            String name, String version, List<InferTensor> inputs, List<String> requested, Map<String, String> trace) {
        ServedModel model;
        Map<String, InferTensor> checked;
        try {
            model = catalog.find(name, version);
            checked = model.check(inputs);
            for (int i = 0; i < requested.size(); i++) {
                String out = requested.get(i);
                if (model.outputs().stream().noneMatch(t -> t.name().equals(out))) {
                    throw StoaException.badInput(
                            "outputs[" + i + "].name",
                            "is '" + out + "', not an output of model '" + name + "'; its outputs are "
                                    + model.outputs());
                }
            }
        } catch (StoaException e) {
            return Future.failedFuture(e);
        }
        DeliveryOptions options = new DeliveryOptions().setSendTimeout(timeoutMs);
        trace.forEach((header, value) -> {
            if (value != null && TRACE_HEADERS.contains(header)) {
                options.addHeader(header, value);
            }
        });
        Future<List<InferTensor>> call;
        try {
            call = model.infer(vertx, checked, options);
        } catch (StoaException e) {
            return Future.failedFuture(e);
        }
        return call.transform(ar -> {
            if (ar.failed()) {
                return Future.failedFuture(BusFailures.toStoaException(ar.cause(), name));
            }
            List<InferTensor> all = ar.result();
            if (requested.isEmpty()) {
                return Future.succeededFuture(new Result(model, all));
            }
            List<InferTensor> chosen = new ArrayList<>();
            for (String out : requested) {
                for (int i = 0; i < all.size(); i++) {
                    TensorSignature.Tensor spec = model.outputs().get(i);
                    if (spec.name().equals(out)) {
                        chosen.add(all.get(i));
                    }
                }
            }
            return Future.succeededFuture(new Result(model, chosen));
        });
    }
}
