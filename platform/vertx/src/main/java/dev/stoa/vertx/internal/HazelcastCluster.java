package dev.stoa.vertx.internal;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.MultiMapConfig;
import com.hazelcast.config.NetworkConfig;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.List;

/**
 * The Hazelcast member configuration of a clustered Stoa node, built in code rather than read from
 * {@code cluster.xml}: the only discovery is a TCP-IP member list (no multicast, no cloud auto-detection, no
 * phone-home), on one interface.
 *
 * <p>Only this class names Hazelcast types, and {@link VertxComponent} touches it only when {@code clustered=true}:
 * the bundle imports {@code com.hazelcast.*} optionally, so a node without the Hazelcast bundle runs unclustered.
 */
final class HazelcastCluster {

    /**
     * How long a member may stay silent before the others drop it, in seconds. Hazelcast's default is 60; a process
     * that dies on one host is seen at once (its connections close), this bounds the case of a host that vanishes.
     */
    static final int MAX_NO_HEARTBEAT_SECONDS = 10;

    /** Partitions of the cluster's data; the same on every Stoa node, which Hazelcast requires. */
    static final int PARTITIONS = 31;

    private HazelcastCluster() {}

    /**
     * @param settings the node's cluster settings, already validated
     * @param classLoader the loader Hazelcast uses to find classes by name when it deserializes Vert.x's cluster
     *        records (in OSGi its own bundle cannot see them)
     * @return a cluster manager that joins when Vert.x starts
     */
    static ClusterManager manager(ClusterSettings settings, ClassLoader classLoader) {
        return new HazelcastClusterManager(config(settings, classLoader));
    }

    /** The member configuration; package-private for tests. */
    static Config config(ClusterSettings settings, ClassLoader classLoader) {
        Config config = new Config();
        config.setClusterName(settings.name());
        config.setClassLoader(classLoader);
        // measured here: these made two JVMs join over loopback in about 1 s instead of 6 s, without network chatter
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.setProperty("hazelcast.wait.seconds.before.join", "0");
        config.setProperty("hazelcast.local.localAddress", settings.host());
        config.setProperty("hazelcast.max.no.heartbeat.seconds", Integer.toString(MAX_NO_HEARTBEAT_SECONDS));
        config.setProperty("hazelcast.heartbeat.interval.seconds", "1");
        // the cluster holds a few small maps (event-bus subscriptions, the service directory): 31 partitions instead
        // of 271 make joining and leaving, which move partitions between members, cheaper; every node must agree
        config.setProperty("hazelcast.partition.count", Integer.toString(PARTITIONS));
        // Hazelcast logs through java.util.logging, which the launcher forwards to slf4j
        config.setProperty("hazelcast.logging.type", "jdk");
        // Vert.x leaves the cluster when the platform stops; Hazelcast's own hook would cut it off first
        config.setProperty("hazelcast.shutdownhook.enabled", "false");

        NetworkConfig network = config.getNetworkConfig();
        // reuse: a node restarted at once must bind its port while connections of its previous run linger
        network.setPort(settings.port()).setPortAutoIncrement(false).setReuseAddress(true);
        network.getInterfaces().setEnabled(true).setInterfaces(List.of(settings.host()));
        JoinConfig join = network.getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        join.getTcpIpConfig().setEnabled(true).setMembers(settings.members()).setConnectionTimeoutSeconds(2);

        // the data structures of vertx-hazelcast's default-cluster.xml, which this configuration replaces
        config.addMultiMapConfig(new MultiMapConfig("__vertx.subs")
                .setBackupCount(1)
                .setValueCollectionType(MultiMapConfig.ValueCollectionType.SET));
        config.addMapConfig(new MapConfig("__vertx.haInfo").setBackupCount(1));
        config.addMapConfig(new MapConfig("__vertx.nodeInfo").setBackupCount(1));
        return config;
    }
}
