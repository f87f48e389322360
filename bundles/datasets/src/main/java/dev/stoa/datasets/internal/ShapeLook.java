package dev.stoa.datasets.internal;

import dev.stoa.datasets.internal.RendererOptions.Antialias;
import dev.stoa.datasets.internal.RendererOptions.Background;
import dev.stoa.datasets.internal.RendererOptions.Style;
import java.util.List;
import java.util.SplittableRandom;

/**
 * How one image is drawn, drawn from the example's own look generator (a stream apart from the scene's, so the
 * scene, its label and captions do not depend on the renderer options). Every number is drawn whether or not its
 * option is on, in a fixed order: turning one option on changes only what that option does.
 *
 * @param renderSize side the scene is drawn at before it is resized to the image size
 * @param antialias whether edges are antialiased
 * @param outline whether shapes are outlines rather than filled
 * @param strokeFraction outline width as a fraction of each copy's radius
 * @param angles turn of each copy, radians, by copy index
 * @param rgb the shapes' colour, {@code 0xRRGGBB}
 * @param background the background of this image ({@code WHITE}, {@code NOISE}, {@code TEXTURE} or {@code PHOTO})
 * @param backgroundSeed seed of the background's randomness
 * @param noiseSigma sigma of the pixel noise, 0-255 levels (0: none)
 * @param noiseSeed seed of the pixel noise
 * @param blurRadius Gaussian blur radius in pixels of the render size (0: none)
 * @param jpegQuality JPEG quality 1-100 of the round trip, or 0 for none
 */
record ShapeLook(
        int renderSize,
        boolean antialias,
        boolean outline,
        double strokeFraction,
        double[] angles,
        int rgb,
        Background background,
        long backgroundSeed,
        double noiseSigma,
        long noiseSeed,
        double blurRadius,
        int jpegQuality) {

    /** Thinnest and thickest outline, as a fraction of the radius; never under {@link #MIN_STROKE_PX} pixels. */
    static final double STROKE_MIN = 0.10;

    static final double STROKE_MAX = 0.20;
    /**
     * Thinnest outline in pixels of the image size: thinner, and an antialiased line (or a JPEG's half-resolution
     * colour) never shows its colour.
     */
    static final double MIN_STROKE_PX = 2.0;

    private static final int MAX_COPIES = 9;
    private static final Background[] MIXED_BACKGROUNDS = {
        Background.WHITE, Background.NOISE, Background.TEXTURE, Background.PHOTO
    };
    private static final Background[] NOT_PHOTO = {Background.WHITE, Background.NOISE, Background.TEXTURE};

    /**
     * @param options the renderer options in effect (the held-out setting for {@code test-renderer})
     * @param colour the scene's colour
     * @param noiseBackgroundSeed the seed the noise background has always used, kept so it draws what it drew
     * @param look the example's look generator
     * @param heldOutSplit true for {@code test-renderer}: outlines on photos are allowed; false for every other split,
     *     where they never appear (a filled shape or another background is drawn instead)
     * @return the look
     */
    static ShapeLook draw(
            RendererOptions options,
            ShapeColour colour,
            long noiseBackgroundSeed,
            SplittableRandom look,
            boolean heldOutSplit) {
        List<Integer> sizes = options.renderSizes();
        int renderSize = sizes.get(look.nextInt(sizes.size()));
        boolean aaCoin = look.nextBoolean();
        boolean antialias = options.antialias() == Antialias.ON || options.antialias() == Antialias.MIXED && aaCoin;
        boolean styleCoin = look.nextBoolean();
        boolean outline = options.style() == Style.OUTLINE || options.style() == Style.MIXED && styleCoin;
        double stroke = STROKE_MIN + look.nextDouble() * (STROKE_MAX - STROKE_MIN);
        double[] angles = new double[MAX_COPIES];
        for (int k = 0; k < MAX_COPIES; k++) {
            angles[k] = Math.toRadians(options.rotation() * (2 * look.nextDouble() - 1));
        }
        int rgb = ColourJitter.jitter(
                colour, options.colourJitter(), look.nextDouble(), look.nextDouble(), look.nextDouble());
        Background background = options.background();
        Background mixedPick = MIXED_BACKGROUNDS[look.nextInt(MIXED_BACKGROUNDS.length)];
        Background notPhoto = NOT_PHOTO[look.nextInt(NOT_PHOTO.length)];
        if (background == Background.MIXED) {
            background = mixedPick;
        }
        if (!heldOutSplit && outline && background == Background.PHOTO) {
            // the held-out renderer setting's combination: never drawn outside test-renderer
            if (options.style() == Style.MIXED) {
                outline = false;
            } else {
                background = notPhoto;
            }
        }
        long drawnSeed = look.nextLong();
        long backgroundSeed = background == Background.NOISE ? noiseBackgroundSeed : drawnSeed;
        double noiseSigma = options.noise() * look.nextDouble();
        long noiseSeed = look.nextLong();
        double blurRadius = options.blur() * look.nextDouble();
        boolean jpeg = look.nextDouble() < options.jpeg();
        int quality = RendererOptions.JPEG_QUALITY_MIN
                + look.nextInt(RendererOptions.JPEG_QUALITY_MAX - RendererOptions.JPEG_QUALITY_MIN + 1);
        return new ShapeLook(
                renderSize,
                antialias,
                outline,
                stroke,
                angles,
                rgb,
                background,
                backgroundSeed,
                noiseSigma,
                noiseSeed,
                blurRadius,
                jpeg ? quality : 0);
    }
}
