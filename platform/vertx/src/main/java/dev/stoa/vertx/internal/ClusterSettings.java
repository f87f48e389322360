package dev.stoa.vertx.internal;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code cluster.*} entries of {@code etc/dev.stoa.vertx.cfg}, checked.
 *
 * @param name the cluster's name: nodes join only a cluster of the same name
 * @param host the address this node binds and announces, for Hazelcast and the event bus
 * @param port Hazelcast's member port on {@code host}
 * @param members the {@code host:port} of the members to contact when joining (this node may be among them)
 * @param eventBusPort the port of the clustered event bus; 0 picks a free one
 * @param joinTimeoutMs longest the node waits to join before activation fails
 */
record ClusterSettings(String name, String host, int port, List<String> members, int eventBusPort, long joinTimeoutMs) {

    ClusterSettings {
        members = List.copyOf(members);
    }

    /**
     * @throws StoaException {@link FailureCode#BAD_CONFIG} naming the entry at fault
     */
    static ClusterSettings of(VertxComponent.Config config) {
        String name = config.cluster_name() == null ? "" : config.cluster_name().trim();
        if (name.isEmpty()) {
            throw bad("cluster.name", "is empty; name the cluster, e.g. cluster.name = stoa");
        }
        String host = config.cluster_host() == null ? "" : config.cluster_host().trim();
        if (host.isEmpty() || host.contains(":") && !host.startsWith("[")) {
            throw bad(
                    "cluster.host",
                    "is '" + config.cluster_host() + "'; set the IPv4 address this node is reached"
                            + " at by the others, e.g. cluster.host = 127.0.0.1");
        }
        requirePort("cluster.port", config.cluster_port(), false);
        requirePort("cluster.eventBusPort", config.cluster_eventBusPort(), true);
        List<String> members = new ArrayList<>();
        for (String entry : config.cluster_members()) {
            for (String m : entry.split(",")) {
                String member = m.trim();
                if (member.isEmpty()) {
                    continue;
                }
                int colon = member.lastIndexOf(':');
                if (colon > 0) {
                    try {
                        requirePort("cluster.members", Integer.parseInt(member.substring(colon + 1)), false);
                    } catch (NumberFormatException e) {
                        throw bad(
                                "cluster.members",
                                "has '" + member + "', whose port is not a number; list members"
                                        + " as host:port, comma-separated, e.g. 127.0.0.1:5701,127.0.0.1:5702");
                    }
                }
                members.add(member);
            }
        }
        if (members.isEmpty()) {
            throw bad(
                    "cluster.members",
                    "is empty; list at least one member as host:port (this node's own address"
                            + " is fine for the first node), e.g. cluster.members = 127.0.0.1:5701,127.0.0.1:5702");
        }
        if (config.cluster_joinTimeoutMs() < 1) {
            throw bad("cluster.joinTimeoutMs", "is " + config.cluster_joinTimeoutMs() + "; it must be at least 1");
        }
        return new ClusterSettings(
                name,
                host,
                config.cluster_port(),
                members,
                config.cluster_eventBusPort(),
                config.cluster_joinTimeoutMs());
    }

    private static void requirePort(String entry, int port, boolean zeroAllowed) {
        if (port < (zeroAllowed ? 0 : 1) || port > 65535) {
            throw bad(entry, "has port " + port + "; use 1 to 65535" + (zeroAllowed ? " (or 0 for a free one)" : ""));
        }
    }

    private static StoaException bad(String entry, String problem) {
        return new StoaException(
                FailureCode.BAD_CONFIG,
                VertxComponent.PID + ": '" + entry + "' " + problem + " (etc/" + VertxComponent.PID + ".cfg)");
    }
}
