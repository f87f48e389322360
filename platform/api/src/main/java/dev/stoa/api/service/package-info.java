/**
 * Typed service contracts: a {@link dev.stoa.api.StoaService} with a fixed input and output and extra operations
 * (batching, dimensions) that in-process callers and pipelines can rely on. Register an implementation under its
 * contract and under {@link dev.stoa.api.StoaService}, with {@code stoa.id}, and the bus exports it like any other.
 * {@link dev.stoa.api.service.RequestFields} reads a map request's optional numeric fields with one set of messages.
 */
@org.osgi.annotation.versioning.Version("0.3.0")
package dev.stoa.api.service;
