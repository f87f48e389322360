package dev.stoa.vertx.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hazelcast.config.Config;
import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Clustering through real Hazelcast members, two in this JVM on loopback (the two-JVM case, with the whole platform,
 * is itests/cluster).
 */
class ClusterTest {

    @Test
    void settingsNameTheBadEntry() {
        assertThatThrownBy(() -> ClusterSettings.of(VertxComponentTest.config(
                        Map.of("clustered", true, "cluster_members", new String[] {"127.0.0.1:57x1"}))))
                .isInstanceOfSatisfying(
                        StoaException.class, e -> assertThat(e.code()).isEqualTo(FailureCode.BAD_CONFIG))
                .hasMessageContaining("'cluster.members'")
                .hasMessageContaining("host:port");
        assertThatThrownBy(() ->
                        ClusterSettings.of(VertxComponentTest.config(Map.of("cluster_members", new String[] {" , "}))))
                .hasMessageContaining("'cluster.members' is empty");
        assertThatThrownBy(() -> ClusterSettings.of(VertxComponentTest.config(Map.of("cluster_port", 70000))))
                .hasMessageContaining("'cluster.port' has port 70000");
    }

    @Test
    void membersAreSplitAndDiscoveryIsTcpIpOnly() {
        ClusterSettings settings = ClusterSettings.of(VertxComponentTest.config(Map.of(
                "cluster_members",
                new String[] {"127.0.0.1:5701, 127.0.0.1:5702", "127.0.0.1:5703"},
                "cluster_port",
                5702)));
        assertThat(settings.members()).containsExactly("127.0.0.1:5701", "127.0.0.1:5702", "127.0.0.1:5703");
        Config config = HazelcastCluster.config(settings, getClass().getClassLoader());
        assertThat(config.getNetworkConfig().getPort()).isEqualTo(5702);
        assertThat(config.getNetworkConfig().getJoin().getMulticastConfig().isEnabled())
                .isFalse();
        assertThat(config.getNetworkConfig().getJoin().getAutoDetectionConfig().isEnabled())
                .isFalse();
        assertThat(config.getNetworkConfig().getJoin().getTcpIpConfig().getMembers())
                .hasSize(3);
        assertThat(config.getProperty("hazelcast.phone.home.enabled")).isEqualTo("false");
        assertThat(config.getMultiMapConfigs()).containsKey("__vertx.subs");
        assertThat(config.getMapConfigs()).containsKeys("__vertx.haInfo", "__vertx.nodeInfo");
    }

    @Test
    void twoNodesCallEachOtherAndAGoneNodeFailsFast() throws Exception {
        int portA = freePort();
        int portB = freePort();
        String members = "127.0.0.1:" + portA + ",127.0.0.1:" + portB;
        long start = System.nanoTime();
        Vertx a = VertxComponent.createClustered(
                VertxComponent.options(VertxComponentTest.config(Map.of())), settings(portA, members));
        Vertx b = null;
        try {
            long aUp = System.nanoTime();
            b = VertxComponent.createClustered(
                    VertxComponent.options(VertxComponentTest.config(Map.of())), settings(portB, members));
            long bJoined = System.nanoTime();
            System.out.printf(
                    "[measure] first node up in %d ms, second joined in %d ms%n",
                    (aUp - start) / 1_000_000, (bJoined - aUp) / 1_000_000);
            assertThat(((VertxInternal) a).clusterManager().getNodes()).hasSize(2);

            b.eventBus()
                    .<JsonObject>consumer(
                            "stoa.service.upper",
                            m -> m.reply(new JsonObject()
                                    .put("text", m.body().getString("text").toUpperCase())));
            JsonObject answer = awaitRegistrationAndCall(a, "stoa.service.upper", new JsonObject().put("text", "hi"));
            assertThat(answer.getString("text")).isEqualTo("HI");

            long[] nanos = new long[200];
            for (int i = 0; i < nanos.length; i++) {
                long t = System.nanoTime();
                call(a, "stoa.service.upper", new JsonObject().put("text", "x" + i));
                nanos[i] = System.nanoTime() - t;
            }
            java.util.Arrays.sort(nanos);
            System.out.printf(
                    "[measure] cross-node request/reply, %d sequential: p50 %.3f ms, p99 %.3f ms%n",
                    nanos.length, nanos[nanos.length / 2] / 1e6, nanos[nanos.length * 99 / 100] / 1e6);

            VertxComponent.close(b);
            b = null;
            long t = System.nanoTime();
            assertThatThrownBy(() -> call(a, "stoa.service.upper", new JsonObject().put("text", "late")))
                    .hasCauseInstanceOf(ReplyException.class)
                    .satisfies(e -> assertThat(((ReplyException) e.getCause()).failureType())
                            .isEqualTo(ReplyFailure.NO_HANDLERS));
            assertThat((System.nanoTime() - t) / 1_000_000).isLessThan(5_000);
        } finally {
            if (b != null) {
                VertxComponent.close(b);
            }
            VertxComponent.close(a);
        }
    }

    private static ClusterSettings settings(int port, String members) {
        return ClusterSettings.of(VertxComponentTest.config(Map.of(
                "clustered",
                true,
                "cluster_port",
                port,
                "cluster_members",
                new String[] {members},
                "cluster_name",
                "stoa-test-" + members.hashCode())));
    }

    /** A consumer's registration reaches the other node asynchronously: retry while it reports no handlers. */
    private static JsonObject awaitRegistrationAndCall(Vertx from, String address, JsonObject body) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try {
                return call(from, address, body);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof ReplyException re)
                        || re.failureType() != ReplyFailure.NO_HANDLERS
                        || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(50);
            }
        }
    }

    private static JsonObject call(Vertx from, String address, JsonObject body) throws Exception {
        return from.eventBus()
                .<JsonObject>request(address, body, new DeliveryOptions().setSendTimeout(5000))
                .toCompletionStage()
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS)
                .body();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
