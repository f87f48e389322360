package dev.stoa.api.runtime;

/**
 * One file in the {@code deploy/} folder and what became of it.
 *
 * @param file the file name, e.g. {@code my-encoder-1.0.jar}
 * @param location the bundle location the platform used ({@code file:} URI of the file)
 * @param bundleId the installed bundle's id, or -1 when it could not be installed
 * @param status what happened, see {@link Status}
 * @param problem why it is not running, naming the fix; {@code null} when {@link Status#ACTIVE}
 * @param handledAt when the deployer last acted on the file (install, update), epoch milliseconds
 */
public record DeployedArtifact(
        String file, String location, long bundleId, Status status, String problem, long handledAt) {

    /** The outcome of deploying a file. */
    public enum Status {
        /** Installed and started. */
        ACTIVE,
        /** Not an OSGi bundle, or its manifest is invalid: nothing was installed. */
        INSTALL_FAILED,
        /** Installed but cannot resolve: a required package or capability is missing. */
        UNRESOLVED,
        /** Resolved but its activator threw on start. */
        START_FAILED
    }
}
