package dev.stoa.models.clipcap.internal;

import ai.djl.ndarray.types.Shape;
import java.util.Arrays;

/** The shapes every ClipCap mapping network has: {@code [v (B, E)] -> [prefix (B, K, D)]}. */
final class PrefixShapes {

    private PrefixShapes() {}

    /**
     * @param inputShapes the mapper's input shapes
     * @param prefixLength K
     * @param width D
     * @return {@code [(B, K, D)]}
     * @throws IllegalArgumentException unless the input is one {@code (B, E)}
     */
    static Shape[] check(Shape[] inputShapes, int prefixLength, int width) {
        if (inputShapes.length != 1 || inputShapes[0].dimension() != 2) {
            throw new IllegalArgumentException(
                    "a ClipCap mapper takes [image embeddings (B, E)], got " + Arrays.toString(inputShapes));
        }
        return new Shape[] {new Shape(inputShapes[0].get(0), prefixLength, width)};
    }
}
