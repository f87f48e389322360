/**
 * What the running platform reports about itself: deployed artifacts and their problems
 * ({@link dev.stoa.api.runtime.DeploymentReport}), for the gateway, the CLI and tests.
 */
@org.osgi.annotation.versioning.Version("0.3.0")
package dev.stoa.api.runtime;
