package dev.stoa.protocol.v2.internal;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import dev.stoa.api.tensor.TensorSignature;
import dev.stoa.protocol.v2.internal.grpc.GRPCInferenceServiceGrpc;
import dev.stoa.protocol.v2.internal.grpc.GrpcPredictV2.ModelInferRequest;
import dev.stoa.protocol.v2.internal.grpc.GrpcPredictV2.ModelInferResponse;
import dev.stoa.protocol.v2.internal.grpc.GrpcPredictV2.ModelMetadataRequest;
import dev.stoa.protocol.v2.internal.grpc.GrpcPredictV2.ModelMetadataResponse;
import dev.stoa.protocol.v2.internal.grpc.GrpcPredictV2.ModelReadyRequest;
import dev.stoa.protocol.v2.internal.grpc.GrpcPredictV2.ModelReadyResponse;
import dev.stoa.protocol.v2.internal.grpc.GrpcPredictV2.ServerLiveRequest;
import dev.stoa.protocol.v2.internal.grpc.GrpcPredictV2.ServerLiveResponse;
import dev.stoa.protocol.v2.internal.grpc.GrpcPredictV2.ServerMetadataRequest;
import dev.stoa.protocol.v2.internal.grpc.GrpcPredictV2.ServerMetadataResponse;
import dev.stoa.protocol.v2.internal.grpc.GrpcPredictV2.ServerReadyRequest;
import dev.stoa.protocol.v2.internal.grpc.GrpcPredictV2.ServerReadyResponse;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * The {@code GRPCInferenceService} of {@code grpc_predict_v2.proto}: the same models and the same {@link Inference}
 * as the REST front, so a model answers the same over both. A failure is the call's status: {@code INVALID_ARGUMENT}
 * for bad input (never {@code INTERNAL}), {@code NOT_FOUND} for an unknown model, {@code UNAVAILABLE},
 * {@code DEADLINE_EXCEEDED}, ... with the description {@code <CODE>: <message>}. The W3C trace context
 * ({@code traceparent}, {@code tracestate} metadata) goes into the bus call's headers ({@link #TRACE}).
 */
final class GrpcInferenceService extends GRPCInferenceServiceGrpc.GRPCInferenceServiceImplBase {

    private static final Context.Key<Map<String, String>> TRACE_KEY = Context.key("stoa.trace");

    /** Copies the trace metadata of each call into its gRPC context, where {@link #modelInfer} reads it. */
    static final ServerInterceptor TRACE = new ServerInterceptor() {
        @Override
        public <Q, R> ServerCall.Listener<Q> interceptCall(
                ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
            Map<String, String> trace = new HashMap<>();
            for (String name : Inference.TRACE_HEADERS) {
                String value = headers.get(Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER));
                if (value != null) {
                    trace.put(name, value);
                }
            }
            return Contexts.interceptCall(Context.current().withValue(TRACE_KEY, trace), call, headers, next);
        }
    };

    private final ModelCatalog catalog;
    private final Inference inference;
    private final BooleanSupplier serverReady;
    private final String serverVersion;

    GrpcInferenceService(ModelCatalog catalog, Inference inference, BooleanSupplier serverReady, String version) {
        this.catalog = catalog;
        this.inference = inference;
        this.serverReady = serverReady;
        this.serverVersion = version;
    }

    @Override
    public void serverLive(ServerLiveRequest request, StreamObserver<ServerLiveResponse> out) {
        out.onNext(ServerLiveResponse.newBuilder().setLive(true).build());
        out.onCompleted();
    }

    @Override
    public void serverReady(ServerReadyRequest request, StreamObserver<ServerReadyResponse> out) {
        out.onNext(ServerReadyResponse.newBuilder()
                .setReady(serverReady.getAsBoolean())
                .build());
        out.onCompleted();
    }

    @Override
    public void serverMetadata(ServerMetadataRequest request, StreamObserver<ServerMetadataResponse> out) {
        out.onNext(ServerMetadataResponse.newBuilder()
                .setName("stoa")
                .setVersion(serverVersion)
                .addExtensions("binary_tensor_data")
                .build());
        out.onCompleted();
    }

    @Override
    public void modelReady(ModelReadyRequest request, StreamObserver<ModelReadyResponse> out) {
        try {
            boolean ready =
                    catalog.find(request.getName(), request.getVersion()).ready();
            out.onNext(ModelReadyResponse.newBuilder().setReady(ready).build());
            out.onCompleted();
        } catch (StoaException e) {
            out.onError(status(e).asRuntimeException());
        }
    }

    @Override
    public void modelMetadata(ModelMetadataRequest request, StreamObserver<ModelMetadataResponse> out) {
        try {
            ServedModel m = catalog.find(request.getName(), request.getVersion());
            ModelMetadataResponse.Builder b = ModelMetadataResponse.newBuilder()
                    .setName(m.name())
                    .addVersions(m.version())
                    .setPlatform(m.platform());
            m.inputs().forEach(t -> b.addInputs(tensor(t)));
            m.outputs().forEach(t -> b.addOutputs(tensor(t)));
            out.onNext(b.build());
            out.onCompleted();
        } catch (StoaException e) {
            out.onError(status(e).asRuntimeException());
        }
    }

    private static ModelMetadataResponse.TensorMetadata tensor(TensorSignature.Tensor t) {
        ModelMetadataResponse.TensorMetadata.Builder b = ModelMetadataResponse.TensorMetadata.newBuilder()
                .setName(t.name())
                .setDatatype(t.datatype());
        for (long d : t.shape()) {
            b.addShape(d);
        }
        return b.build();
    }

    @Override
    public void modelInfer(ModelInferRequest request, StreamObserver<ModelInferResponse> out) {
        List<InferTensor> inputs;
        try {
            inputs = GrpcTensors.inputs(request);
        } catch (StoaException e) {
            out.onError(status(e).asRuntimeException());
            return;
        }
        List<String> requested = request.getOutputsList().stream()
                .map(ModelInferRequest.InferRequestedOutputTensor::getName)
                .toList();
        Map<String, String> trace = TRACE_KEY.get();
        inference
                .run(
                        request.getModelName(),
                        request.getModelVersion(),
                        inputs,
                        requested,
                        trace == null ? Map.of() : trace)
                .onComplete(ar -> {
                    if (ar.failed()) {
                        out.onError(
                                status(dev.stoa.vertx.BusFailures.toStoaException(ar.cause(), request.getModelName()))
                                        .asRuntimeException());
                        return;
                    }
                    try {
                        ModelInferResponse.Builder response = ModelInferResponse.newBuilder()
                                .setModelName(ar.result().model().name())
                                .setModelVersion(ar.result().model().version())
                                .setId(request.getId());
                        GrpcTensors.outputs(response, ar.result().outputs(), request.getRawInputContentsCount() > 0);
                        out.onNext(response.build());
                        out.onCompleted();
                    } catch (RuntimeException e) {
                        out.onError(status(dev.stoa.vertx.BusFailures.fromThrown(e, request.getModelName()))
                                .asRuntimeException());
                    }
                });
    }

    /** @return the gRPC status of a platform failure, its description {@code <CODE>: <message>} */
    static Status status(StoaException e) {
        Status s = switch (e.code()) {
            case BAD_INPUT, BAD_CONFIG, SHAPE_MISMATCH, UNSUPPORTED_MEDIA_TYPE -> Status.INVALID_ARGUMENT;
            case UNKNOWN_SERVICE, SERVICE_GONE -> Status.NOT_FOUND;
            case TOO_LARGE, OVERLOADED -> Status.RESOURCE_EXHAUSTED;
            case UNAUTHORIZED -> Status.UNAUTHENTICATED;
            case FORBIDDEN -> Status.PERMISSION_DENIED;
            case UNAVAILABLE, UNTRAINED -> Status.UNAVAILABLE;
            case TIMEOUT -> Status.DEADLINE_EXCEEDED;
            case CANCELLED -> Status.CANCELLED;
            default -> Status.INTERNAL;
        };
        return s.withDescription(e.code().name() + ": " + e.getMessage());
    }

    /** @return whether a failure code is the caller's fault (for tests) */
    static boolean clientFault(FailureCode code) {
        return code.httpStatus() >= 400 && code.httpStatus() < 500;
    }
}
