package dev.stoa.api.runtime;

/**
 * A service registration the bus did not export, because another kind of service already has its id. Ids are unique
 * across kinds: pipeline files, training files, {@link ServiceCaller} and configuration name a service by its id
 * alone, so two services of different kinds under one id would make each of those ambiguous.
 *
 * @param id the {@code stoa.id} both registrations use
 * @param kind the {@code stoa.kind} of the refused registration
 * @param bundle symbolic name of the bundle that registered it
 * @param bundleId that bundle's id
 * @param reason what happened and the fix, naming both bundles
 */
public record RefusedExport(String id, String kind, String bundle, long bundleId, String reason) {}
