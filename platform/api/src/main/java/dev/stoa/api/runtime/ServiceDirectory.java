package dev.stoa.api.runtime;

import java.util.List;

/**
 * The services exported on the event bus; registered as an OSGi service by the bus once it is up. On a clustered
 * node it also lists the services of the other nodes ({@link ExportedService#remote()}).
 */
public interface ServiceDirectory {

    /**
     * Local-only event-bus address on which the directory publishes an empty message whenever the services of
     * other cluster nodes change (a node joined or left, or deployed or removed a service). Changes on this node are
     * OSGi service events; this address is for what OSGi cannot see.
     */
    String REMOTE_CHANGED_ADDRESS = "stoa.directory.remote-changed";

    /** @return every exported service: this node's, ordered by address, then other nodes' */
    List<ExportedService> services();

    /** @return this node's service registrations that were not exported because their id is another kind's */
    default List<RefusedExport> refused() {
        return List.of();
    }
}
