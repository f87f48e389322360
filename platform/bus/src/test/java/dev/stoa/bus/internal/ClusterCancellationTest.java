package dev.stoa.bus.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import dev.stoa.api.Cancellation;
import dev.stoa.api.FailureCode;
import dev.stoa.api.PieceSink;
import dev.stoa.api.StreamingService;
import dev.stoa.api.data.Text;
import dev.stoa.vertx.CallOptions;
import dev.stoa.vertx.LocalCodecs;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A cancel crosses the cluster: a generator runs on node B, its caller on node A publishes its cancel token there,
 * and the generator on B stops within one step. Two real Hazelcast members in this JVM, on loopback.
 */
class ClusterCancellationTest {

    /** One piece per 20 ms step, checking its cancellation before each. */
    private static final class Counting implements StreamingService<Text, Text> {
        final AtomicInteger steps = new AtomicInteger();
        final CountDownLatch started = new CountDownLatch(3);
        final CountDownLatch stopped = new CountDownLatch(1);

        @Override
        public Class<Text> inputType() {
            return Text.class;
        }

        @Override
        public Class<Text> outputType() {
            return Text.class;
        }

        @Override
        public Text stream(Text input, PieceSink sink) {
            Cancellation cancellation = Cancellation.current();
            try {
                for (int i = 0; i < 500; i++) {
                    cancellation.throwIfCancelled();
                    steps.incrementAndGet();
                    started.countDown();
                    Thread.sleep(20);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                stopped.countDown();
            }
            return input;
        }
    }

    @Test
    void aCancelPublishedOnOneNodeStopsTheCallRunningOnAnother() throws Exception {
        int portA = freePort();
        int portB = freePort();
        String cluster = "flow-" + UUID.randomUUID();
        Vertx a = node(cluster, portA, portA, portB);
        Vertx b = null;
        Endpoint endpoint = null;
        try {
            b = node(cluster, portB, portA, portB);
            LocalCodecs.registerAll(a);
            LocalCodecs.registerAll(b);
            Counting generator = new Counting();
            CancelRegistry registry = new CancelRegistry(b);
            registry.ready().await(30, TimeUnit.SECONDS);
            endpoint = new Endpoint(b, new StandInConfig(30_000, 500), "model", "far-gen", null, null, registry);
            endpoint.open();
            endpoint.add(StandInReference.provider(1, "far-gen", generator));
            // a second consumer of the cancel address on B notes when the cancel arrives, and how far the generator got
            AtomicInteger stepsAtArrival = new AtomicInteger(-1);
            long[] arrivedAt = {0};
            b.eventBus()
                    .consumer(Cancellation.CANCEL_ADDRESS, m -> {
                        arrivedAt[0] = System.nanoTime();
                        stepsAtArrival.set(generator.steps.get());
                    })
                    .completion()
                    .await(30, TimeUnit.SECONDS);
            Thread.sleep(500); // the consumers' registrations reach node A

            String token = CallOptions.newToken();
            Future<Message<Object>> call = a.eventBus()
                    .request(endpoint.address, new JsonObject().put("text", "go"), CallOptions.of(token, 30_000));
            assertThat(generator.started.await(20, TimeUnit.SECONDS)).isTrue();
            int atCancel = generator.steps.get();
            long published = System.nanoTime();
            CallOptions.cancel(a, token);
            ReplyException cancelled = null;
            try {
                call.await(10, TimeUnit.SECONDS);
            } catch (ReplyException e) {
                cancelled = e;
            }
            assertThat(cancelled).isNotNull();
            assertThat(cancelled.failureCode()).isEqualTo(FailureCode.CANCELLED.code());
            assertThat(generator.stopped.await(5, TimeUnit.SECONDS)).isTrue();
            int after = generator.steps.get() - atCancel;
            int afterArrival = generator.steps.get() - stepsAtArrival.get();
            System.out.printf(
                    "[measure] across the cluster: the cancel reached node B %d ms after it was published on A;"
                            + " %d steps (20 ms each) began after the publish, %d after it reached B%n",
                    (arrivedAt[0] - published) / 1_000_000, after, afterArrival);
            assertThat(stepsAtArrival.get()).as("the cancel reached node B").isGreaterThanOrEqualTo(0);
            assertThat(afterArrival)
                    .as("steps begun after the cancel reached the node")
                    .isLessThanOrEqualTo(1);
            registry.close();
        } finally {
            if (endpoint != null) {
                endpoint.close();
            }
            if (b != null) {
                b.close().await(30, TimeUnit.SECONDS);
            }
            a.close().await(30, TimeUnit.SECONDS);
        }
    }

    /** A Hazelcast member on loopback that joins only the listed ports: no multicast, no phone-home. */
    private static Vertx node(String cluster, int port, int... members) throws Exception {
        Config hz = new Config();
        hz.setClusterName(cluster);
        hz.setProperty("hazelcast.phone.home.enabled", "false");
        hz.setProperty("hazelcast.wait.seconds.before.join", "0");
        hz.setProperty("hazelcast.local.localAddress", "127.0.0.1");
        NetworkConfig net = hz.getNetworkConfig();
        net.setPort(port).setPortAutoIncrement(false);
        net.getInterfaces().setEnabled(true).addInterface("127.0.0.1");
        JoinConfig join = net.getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        join.getTcpIpConfig().setEnabled(true);
        for (int m : members) {
            join.getTcpIpConfig().addMember("127.0.0.1:" + m);
        }
        VertxOptions options = new VertxOptions()
                .setEventBusOptions(new EventBusOptions().setHost("127.0.0.1").setClusterPublicHost("127.0.0.1"));
        return Vertx.builder()
                .with(options)
                .withClusterManager(new HazelcastClusterManager(hz))
                .buildClustered()
                .await(60, TimeUnit.SECONDS);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
