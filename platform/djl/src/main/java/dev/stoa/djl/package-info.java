/**
 * DJL for bundles: {@link dev.stoa.djl.DjlRuntime} is registered once DJL's engines are loaded, so a bundle that
 * references it starts only when it can run models. DJL's own packages ({@code ai.djl.*}) come from the system
 * bundle; import them as usual.
 */
@org.osgi.annotation.versioning.Version("0.1.0")
package dev.stoa.djl;
