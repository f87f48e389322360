package dev.stoa.api.engine;

import java.util.Map;

/**
 * How to open a graph.
 *
 * @param precision {@code fp32} or {@code fp16} (engines without half precision serve fp32 and say so)
 * @param maxBatch the largest batch the session will be asked to run (the bus's batching limit)
 * @param shapeRanges for each input with dynamic dimensions, its {@code [min, opt, max]} shapes (TensorRT's
 *     optimisation profile); inputs not named get batch {@code 1, maxBatch, maxBatch} and their other dimensions as the
 *     graph declares them
 */
public record EngineOptions(String precision, int maxBatch, Map<String, long[][]> shapeRanges) {

    public EngineOptions {
        if (!"fp32".equals(precision) && !"fp16".equals(precision)) {
            throw new IllegalArgumentException("precision is '" + precision + "'; use fp32 or fp16");
        }
        if (maxBatch < 1) {
            throw new IllegalArgumentException("maxBatch is " + maxBatch + "; use 1 or more");
        }
        shapeRanges = Map.copyOf(shapeRanges);
    }

    /** @return fp32, batch up to 32, no explicit shape ranges */
    public static EngineOptions defaults() {
        return new EngineOptions("fp32", 32, Map.of());
    }
}
