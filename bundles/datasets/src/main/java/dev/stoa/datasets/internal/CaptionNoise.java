package dev.stoa.datasets.internal;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * ALIGN's noisy image-text pairs (Jia et al. 2021), simulated: in the {@code train} split a fraction {@code rate} of
 * the examples get the captions of another image instead of their own. The other image is a scene drawn from the
 * split's labels minus the example's own, so a replaced caption always names a wrong colour-shape combination (and
 * never a held-out one), with its own count, size, position and word, as an unrelated alt-text would.
 *
 * <p>Whether example {@code i} is replaced, and by what, is a pure function of (seed, split, i) through the
 * example's seed, on a stream of its own: the image, its label and its attributes are exactly those without noise.
 * Evaluation splits never get noise (only {@code train} is built with a {@link CaptionNoise}).
 */
final class CaptionNoise {

    /** Attribute set to {@code "true"} on an example whose captions were replaced. */
    static final String ATTRIBUTE = "noisy_caption";

    /** Salt that separates the noise stream from the scene's and the background's. */
    private static final long SALT = 0x4A1167E5C0FFEE11L;

    private final double rate;
    private final ShapesConfig config;
    private final int[] labels;

    /**
     * @param rate the fraction of examples whose captions are replaced, in [0, 1]
     * @param config the dataset's options (sizes and counts of the wrong scene follow them)
     * @param labels the labels the split draws from, as in {@link ShapeScene#generate}
     */
    CaptionNoise(double rate, ShapesConfig config, int[] labels) {
        this.rate = rate;
        this.config = config;
        this.labels = labels.clone();
    }

    /**
     * @param scene the example's scene
     * @param exampleSeed the example's seed (a function of seed, split and index)
     * @return the captions of a scene with another label, or null when this example keeps its own
     */
    List<String> wrongCaptions(ShapeScene scene, long exampleSeed) {
        if (rate <= 0 || labels.length < 2) {
            return null;
        }
        SplittableRandom rng = new SplittableRandom(StableHash.mix(exampleSeed ^ SALT));
        if (rng.nextDouble() >= rate) {
            return null;
        }
        int own = scene.colour().ordinal() * ShapeKind.values().length
                + scene.kind().ordinal();
        int[] others = Arrays.stream(labels).filter(l -> l != own).toArray();
        return ShapeCaptions.captions(ShapeScene.generate(config, others, rng, null), config.attributeCaptions());
    }
}
