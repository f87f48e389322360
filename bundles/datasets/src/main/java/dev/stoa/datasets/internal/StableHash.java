package dev.stoa.datasets.internal;

import java.nio.charset.StandardCharsets;

/** Hashes that are the same on every JVM and machine, for seeds and for deterministic train/test splits. */
final class StableHash {

    private StableHash() {}

    /** SplittableRandom's own 64-bit finaliser (Stafford variant 13): nearby inputs give unrelated outputs. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** @return 64-bit FNV-1a of the string's UTF-8 bytes */
    static long fnv(String s) {
        long h = 0xCBF29CE484222325L;
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001B3L;
        }
        return h;
    }

    /** @return a number in [0, 1) fixed by the key alone, uniform over keys: which split a file falls in */
    static double unit(String key) {
        return (mix(fnv(key)) >>> 11) * 0x1.0p-53;
    }
}
