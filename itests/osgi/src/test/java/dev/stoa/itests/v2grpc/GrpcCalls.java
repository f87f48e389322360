package dev.stoa.itests.v2grpc;

import com.google.protobuf.ByteString;
import dev.stoa.protocol.v2.internal.grpc.GRPCInferenceServiceGrpc;
import dev.stoa.protocol.v2.internal.grpc.GrpcPredictV2.InferTensorContents;
import dev.stoa.protocol.v2.internal.grpc.GrpcPredictV2.ModelInferRequest;
import dev.stoa.protocol.v2.internal.grpc.GrpcPredictV2.ModelInferResponse;
import dev.stoa.protocol.v2.internal.grpc.GrpcPredictV2.ModelMetadataRequest;
import dev.stoa.protocol.v2.internal.grpc.GrpcPredictV2.ModelMetadataResponse;
import dev.stoa.protocol.v2.internal.grpc.GrpcPredictV2.ModelReadyRequest;
import dev.stoa.protocol.v2.internal.grpc.GrpcPredictV2.ServerLiveRequest;
import dev.stoa.protocol.v2.internal.grpc.GrpcPredictV2.ServerMetadataRequest;
import dev.stoa.protocol.v2.internal.grpc.GrpcPredictV2.ServerReadyRequest;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * InferenceV2IT's gRPC client: calls every RPC of {@code GRPCInferenceService} through stubs generated from
 * grpc_predict_v2.proto, on the model {@code tiny} ({@code X FP32 [1, 3] -> Y FP32 [1, 2]}), and reports what came back
 * as plain Java values. It runs inside the bundle GrpcClientBundle packs with grpc-java (the test calls it
 * reflectively), so the test's own class needs no gRPC types.
 */
public final class GrpcCalls {

    private GrpcCalls() {}

    /**
     * @param port the server's port on 127.0.0.1
     * @param traceparent sent as metadata with every call
     * @param x the three inputs
     * @return what each call answered, by name
     */
    public static Map<String, Object> callEveryRpc(int port, String traceparent, float[] x) throws Exception {
        Map<String, Object> seen = new LinkedHashMap<>();
        // gRPC's registries read service files through the context class loader too: make it this bundle's
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(GrpcCalls.class.getClassLoader());
        ManagedChannel channel;
        try {
            channel = NettyChannelBuilder.forAddress(new java.net.InetSocketAddress("127.0.0.1", port))
                    .usePlaintext()
                    .build();
        } finally {
            thread.setContextClassLoader(previous);
        }
        try {
            Metadata trace = new Metadata();
            trace.put(Metadata.Key.of("traceparent", Metadata.ASCII_STRING_MARSHALLER), traceparent);
            GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub stub = GRPCInferenceServiceGrpc.newBlockingStub(
                            channel)
                    .withDeadlineAfter(60, TimeUnit.SECONDS)
                    .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(trace));
            seen.put(
                    "live",
                    stub.serverLive(ServerLiveRequest.getDefaultInstance()).getLive());
            seen.put(
                    "ready",
                    stub.serverReady(ServerReadyRequest.getDefaultInstance()).getReady());
            seen.put(
                    "serverName",
                    stub.serverMetadata(ServerMetadataRequest.getDefaultInstance())
                            .getName());
            seen.put(
                    "modelReady",
                    stub.modelReady(ModelReadyRequest.newBuilder()
                                    .setName("tiny")
                                    .build())
                            .getReady());
            ModelMetadataResponse meta = stub.modelMetadata(
                    ModelMetadataRequest.newBuilder().setName("tiny").build());
            seen.put(
                    "input",
                    meta.getInputs(0).getName() + ":" + meta.getInputs(0).getDatatype()
                            + meta.getInputs(0).getShapeList());
            seen.put(
                    "output",
                    meta.getOutputs(0).getName() + ":" + meta.getOutputs(0).getDatatype()
                            + meta.getOutputs(0).getShapeList());

            ModelInferRequest.InferInputTensor.Builder input = ModelInferRequest.InferInputTensor.newBuilder()
                    .setName("X")
                    .setDatatype("FP32")
                    .addShape(1)
                    .addShape(3);
            InferTensorContents.Builder contents = InferTensorContents.newBuilder();
            for (float v : x) {
                contents.addFp32Contents(v);
            }
            ModelInferResponse typed = stub.modelInfer(ModelInferRequest.newBuilder()
                    .setModelName("tiny")
                    .setId("7")
                    .addInputs(input.clone().setContents(contents))
                    .build());
            seen.put("typedId", typed.getId());
            seen.put(
                    "typedOutput",
                    typed.getOutputs(0).getName() + typed.getOutputs(0).getShapeList());
            List<Float> y = typed.getOutputs(0).getContents().getFp32ContentsList();
            seen.put("typed", new float[] {y.get(0), y.get(1)});

            ByteBuffer raw = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
            for (float v : x) {
                raw.putFloat(v);
            }
            ModelInferResponse rawAnswer = stub.modelInfer(ModelInferRequest.newBuilder()
                    .setModelName("tiny")
                    .addInputs(input.clone())
                    .addRawInputContents(ByteString.copyFrom(raw.array()))
                    .build());
            ByteBuffer out =
                    rawAnswer.getRawOutputContents(0).asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
            seen.put("raw", new float[] {out.getFloat(), out.getFloat()});

            try {
                stub.modelInfer(ModelInferRequest.newBuilder()
                        .setModelName("tiny")
                        .addInputs(input.clone()
                                .setDatatype("INT32")
                                .setContents(InferTensorContents.newBuilder()
                                        .addIntContents(1)
                                        .addIntContents(2)
                                        .addIntContents(3)))
                        .build());
                seen.put("wrongDatatype", "OK");
            } catch (StatusRuntimeException e) {
                seen.put(
                        "wrongDatatype",
                        e.getStatus().getCode() + " " + e.getStatus().getDescription());
            }
            try {
                stub.modelMetadata(ModelMetadataRequest.newBuilder()
                        .setName("no-such-model")
                        .build());
                seen.put("unknownModel", "OK");
            } catch (StatusRuntimeException e) {
                seen.put(
                        "unknownModel",
                        e.getStatus().getCode() + " " + e.getStatus().getDescription());
            }
            return seen;
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
