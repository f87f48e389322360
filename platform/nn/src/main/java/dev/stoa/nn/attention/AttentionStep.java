package dev.stoa.nn.attention;

import ai.djl.ndarray.NDArray;

/**
 * The result of a cache-aware forward pass of one block: its output for the new positions and the cache with them
 * appended.
 *
 * @param output {@code (B, T, D)} for the T new positions
 * @param cache the keys and values of all {@code S + T} positions
 */
public record AttentionStep(NDArray output, KeyValueCache cache) {}
