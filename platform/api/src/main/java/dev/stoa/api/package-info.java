/**
 * Stoa's service contracts: what a bundle registers ({@link dev.stoa.api.StoaService} with the
 * {@link dev.stoa.api.ServiceProperties}), how failures are reported ({@link dev.stoa.api.FailureCode},
 * {@link dev.stoa.api.StoaException}); services that answer in pieces ({@link dev.stoa.api.StreamingService}); whether the caller still waits for
 * the answer ({@link dev.stoa.api.Cancellation}). Engine and messaging types (DJL, Vert.x) never appear here.
 */
@org.osgi.annotation.versioning.Version("0.7.0")
package dev.stoa.api;
