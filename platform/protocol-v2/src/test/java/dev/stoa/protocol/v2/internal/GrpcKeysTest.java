package dev.stoa.protocol.v2.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoa.api.security.Authenticator;
import dev.stoa.api.security.Principal;
import dev.stoa.protocol.v2.internal.grpc.GRPCInferenceServiceGrpc;
import dev.stoa.protocol.v2.internal.grpc.GrpcPredictV2.ServerLiveRequest;
import dev.stoa.protocol.v2.internal.grpc.GrpcPredictV2.ServerLiveResponse;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The gRPC port's key check on a real grpc-java server and client over loopback. The keys are a small in-test
 * {@link Authenticator} (the platform's own lives in the gateway bundle; {@code InferenceV2IT} runs the port with it).
 */
class GrpcKeysTest {

    private final Map<String, Principal> known = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> refusals = new ConcurrentHashMap<>();
    private boolean anonymousLoopback;
    private Server server;
    private ManagedChannel channel;

    private final Authenticator keys = new Authenticator() {
        public Optional<Principal> authenticate(String bearerToken) {
            return Optional.ofNullable(known.get(bearerToken));
        }

        public boolean allows(Principal principal, String scope, String id) {
            return principal.scopes().contains(scope) || principal.scopes().contains(ADMIN);
        }

        public Optional<Principal> anonymous(String remoteHost) {
            return anonymousLoopback && remoteHost != null && remoteHost.startsWith("127.")
                    ? Optional.of(new Principal(Principal.ANONYMOUS, Set.of(CALL), List.of()))
                    : Optional.empty();
        }

        public boolean keysConfigured() {
            return !known.isEmpty();
        }

        public void refused(String door, String reason) {
            refusals.computeIfAbsent(door + "/" + reason, k -> new AtomicInteger())
                    .incrementAndGet();
        }
    };

    private void start() throws Exception {
        GRPCInferenceServiceGrpc.GRPCInferenceServiceImplBase live =
                new GRPCInferenceServiceGrpc.GRPCInferenceServiceImplBase() {
                    @Override
                    public void serverLive(ServerLiveRequest request, StreamObserver<ServerLiveResponse> answer) {
                        answer.onNext(
                                ServerLiveResponse.newBuilder().setLive(true).build());
                        answer.onCompleted();
                    }
                };
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(ServerInterceptors.intercept(live, new GrpcKeys(() -> keys)))
                .build()
                .start();
        channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort())
                .usePlaintext()
                .build();
    }

    @AfterEach
    void stop() throws Exception {
        if (channel != null) {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        if (server != null) {
            server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private boolean live(String bearer) {
        GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub stub =
                GRPCInferenceServiceGrpc.newBlockingStub(channel);
        if (bearer != null) {
            Metadata headers = new Metadata();
            headers.put(GrpcKeys.AUTHORIZATION, bearer);
            stub = stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
        }
        return stub.withDeadlineAfter(10, TimeUnit.SECONDS)
                .serverLive(ServerLiveRequest.getDefaultInstance())
                .getLive();
    }

    private static Status.Code refusedWith(Runnable call) {
        try {
            call.run();
        } catch (StatusRuntimeException e) {
            return e.getStatus().getCode();
        }
        throw new AssertionError("the call was not refused");
    }

    @Test
    void aKnownKeyIsServedAndOthersAreRefused() throws Exception {
        known.put("k-call", new Principal("reader", Set.of(Authenticator.CALL), List.of()));
        known.put("k-limited", new Principal("limited", Set.of(Authenticator.CALL), List.of("all-minilm-l6-v2")));
        known.put("k-none", new Principal("nothing", Set.of(), List.of()));
        start();

        assertThat(live("Bearer k-call")).isTrue();
        assertThat(refusedWith(() -> live("Bearer wrong"))).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(refusedWith(() -> live("Basic k-call"))).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(refusedWith(() -> live(null))).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(refusedWith(() -> live("Bearer k-none"))).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(refusedWith(() -> live("Bearer k-limited"))).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(refusals.get("grpc/unknown_key").get()).isEqualTo(2);
        assertThat(refusals.get("grpc/missing_key").get()).isEqualTo(1);
        assertThat(refusals.get("grpc/scope").get()).isEqualTo(1);
        assertThat(refusals.get("grpc/service").get()).isEqualTo(1);
    }

    @Test
    void aLoopbackClientWithoutAKeyIsServedWhereTheOperatorAllowsIt() throws Exception {
        anonymousLoopback = true;
        start();
        assertThat(live(null)).isTrue();
        assertThatThrownBy(() -> live("Bearer unknown")).isInstanceOf(StatusRuntimeException.class);
    }
}
