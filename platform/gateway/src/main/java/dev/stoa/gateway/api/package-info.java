/**
 * What other bundles add to the HTTP gateway: {@link dev.stoa.gateway.api.HttpRoutes}, a protocol front-end mounted
 * on the gateway's port under its own base path.
 */
@org.osgi.annotation.versioning.Version("0.1.0")
package dev.stoa.gateway.api;
