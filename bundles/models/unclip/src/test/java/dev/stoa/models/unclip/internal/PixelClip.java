package dev.stoa.models.unclip.internal;

import dev.stoa.api.data.Image;
import dev.stoa.nn.image.ImagePixels;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * A stand-in for the frozen CLIP in the tests and the benchmark, which run without a server: fixed, nothing learnt.
 * An image's embedding is a fixed random projection of its 8 x 8 pixels; a text's is the sum of a fixed random vector
 * per word. Both L2-normalised, E wide. The real CLIP's services are what the server's training reads.
 */
final class PixelClip implements ClipEmbedder {

    private static final int SIDE = 8;

    private final int dimension;
    private final float[][] projection;

    PixelClip(int dimension) {
        this.dimension = dimension;
        SplittableRandom random = new SplittableRandom(0);
        projection = new float[dimension][3 * SIDE * SIDE];
        for (float[] row : projection) {
            for (int i = 0; i < row.length; i++) {
                row[i] = (float) (random.nextDouble() * 2 - 1);
            }
        }
    }

    @Override
    public int dimension() {
        return dimension;
    }

    @Override
    public float[][] texts(List<String> texts) {
        float[][] out = new float[texts.size()][];
        for (int t = 0; t < out.length; t++) {
            float[] v = new float[dimension];
            for (String word : texts.get(t).toLowerCase(Locale.ROOT).split("[^a-z]+")) {
                if (word.isEmpty()) {
                    continue;
                }
                SplittableRandom random = new SplittableRandom(word.hashCode());
                for (int i = 0; i < dimension; i++) {
                    v[i] += (float) random.nextGaussian();
                }
            }
            out[t] = UnclipSampler.normalised(v, 1f);
        }
        return out;
    }

    @Override
    public float[][] images(List<Image> images) {
        float[][] out = new float[images.size()][];
        float[] pixels = new float[3 * SIDE * SIDE];
        for (int k = 0; k < out.length; k++) {
            ImagePixels.write(images.get(k), SIDE, pixels, 0);
            float[] v = new float[dimension];
            for (int i = 0; i < dimension; i++) {
                double sum = 0;
                for (int j = 0; j < pixels.length; j++) {
                    sum += projection[i][j] * pixels[j];
                }
                v[i] = (float) sum;
            }
            out[k] = UnclipSampler.normalised(v, 1f);
        }
        return out;
    }
}
