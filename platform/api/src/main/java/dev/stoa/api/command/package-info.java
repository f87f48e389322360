/**
 * Sub-commands of {@code bin/stoa} that bundles contribute: a bundle registers a
 * {@link dev.stoa.api.command.StoaCommand} service, the gateway lists such services at {@code GET /v1/commands} and
 * runs one at {@code POST /v1/commands/{name}}, streaming its output, and the command line forwards every command it
 * does not know itself to the running server, so {@code bin/stoa eval-vqa ...} runs the vqa bundle's command.
 */
@org.osgi.annotation.versioning.Version("0.1.0")
package dev.stoa.api.command;
