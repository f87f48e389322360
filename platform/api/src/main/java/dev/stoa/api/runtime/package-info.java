/**
 * What the running platform reports about itself: deployed artifacts and their problems
 * ({@link dev.stoa.api.runtime.DeploymentReport}), for the gateway, the CLI and tests; and the in-process door to
 * the services ({@link dev.stoa.api.runtime.ServiceCaller}).
 */
@org.osgi.annotation.versioning.Version("0.5.0")
package dev.stoa.api.runtime;
