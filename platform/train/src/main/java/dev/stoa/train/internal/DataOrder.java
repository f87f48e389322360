package dev.stoa.train.internal;

import java.util.SplittableRandom;

/**
 * Which example a run reads at each position of its data stream: epoch after epoch, each a fresh permutation of the
 * split drawn from the seed and the epoch number. A pure function of (seed, size, position), so a resumed run that
 * restores its position reads exactly what the uninterrupted run would have. Splits too large to permute in memory
 * (over {@value #MAX_PERMUTED}, e.g. procedural datasets) are sampled uniformly with replacement instead.
 */
final class DataOrder {

    static final int MAX_PERMUTED = 4_000_000;

    private final long seed;
    private final int size;
    private long epoch = -1;
    private int[] permutation;

    /**
     * @param seed the run's seed
     * @param size the split's size, at least 1
     */
    DataOrder(long seed, int size) {
        if (size < 1) {
            throw new IllegalArgumentException("the training split is empty; give the dataset some examples");
        }
        this.seed = seed;
        this.size = size;
    }

    /**
     * @param position 0-based position in the stream
     * @return the split index to read there
     */
    int index(long position) {
        if (size > MAX_PERMUTED) {
            return (int) Math.floorMod(new SplittableRandom(mix(seed, position)).nextLong(), (long) size);
        }
        long e = position / size;
        if (e != epoch) {
            permutation = permutation(e);
            epoch = e;
        }
        return permutation[(int) (position % size)];
    }

    private int[] permutation(long e) {
        int[] p = new int[size];
        for (int i = 0; i < size; i++) {
            p[i] = i;
        }
        SplittableRandom random = new SplittableRandom(mix(seed, e));
        for (int i = size - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    /** @return a well-mixed 64-bit value of the two (SplitMix64's finaliser over a combination) */
    static long mix(long a, long b) {
        long z = a * 0x9E3779B97F4A7C15L + b + 0x632BE59BD9B4E019L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
