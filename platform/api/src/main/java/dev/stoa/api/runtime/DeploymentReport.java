package dev.stoa.api.runtime;

import java.nio.file.Path;
import java.util.List;

/**
 * The state of the {@code deploy/} folder: one entry per file, with the reason for every file that is not running.
 * Registered as an OSGi service by the platform's deployer.
 */
public interface DeploymentReport {

    /** @return the folder being watched */
    Path directory();

    /** @return every file currently in the folder and its outcome, in file-name order */
    List<DeployedArtifact> artifacts();
}
