package dev.stoa.datasets.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How the shapes are drawn, as opposed to what they show: the variation a user's images have (sizes aside, which
 * {@link ShapesConfig} holds). With every option at its default ({@link #isPlain()}) the renderer draws exactly what
 * it drew before these options existed.
 *
 * @param style filled shapes, outlines (strokes inside the filled area), or a coin toss per image
 * @param rotation most degrees a shape turns either way, each copy drawn uniformly in {@code [-rotation, rotation]}
 * @param antialias antialiased edges, hard ones, or a coin toss per image
 * @param colourJitter 0 to 1: how far hue, saturation and value move, as a fraction of the room each colour has
 *     inside its name ({@link ColourJitter})
 * @param background what is behind the shapes; {@code mixed} picks one of the other four per image
 * @param noise most sigma of Gaussian pixel noise, in 0-255 levels; each image draws its sigma in {@code [0, noise]}
 * @param blur most Gaussian blur radius in pixels of the drawn size; each image draws it in {@code [0, blur]}
 * @param jpeg chance of a JPEG round trip per image, quality drawn in {@link #JPEG_QUALITY_MIN}-{@link
 *     #JPEG_QUALITY_MAX}
 * @param renderSizes sides the scene may be drawn at (one picked per image) before it is resized to the image size
 */
record RendererOptions(
        Style style,
        double rotation,
        Antialias antialias,
        double colourJitter,
        Background background,
        double noise,
        double blur,
        double jpeg,
        List<Integer> renderSizes) {

    static final String STYLE = "style";
    static final String ROTATION = "rotation";
    static final String ANTIALIAS = "antialias";
    static final String COLOUR_JITTER = "colour_jitter";
    static final String BACKGROUND = "background";
    static final String NOISE = "noise";
    static final String BLUR = "blur";
    static final String JPEG = "jpeg";
    static final String RENDER_SIZES = "render_sizes";

    static final double MAX_ROTATION = 180;
    static final double MAX_NOISE = 64;
    static final double MAX_BLUR = 32;
    static final int JPEG_QUALITY_MIN = 30;
    static final int JPEG_QUALITY_MAX = 90;
    static final int MAX_RENDER_SIZES = 8;

    /** Filled shapes or outlines. */
    enum Style {
        FILLED,
        OUTLINE,
        MIXED
    }

    /** Antialiased edges or not. */
    enum Antialias {
        ON,
        OFF,
        MIXED
    }

    /** What is behind the shapes. */
    enum Background {
        /** Plain white, as always. */
        WHITE,
        /** Light grey noise, 215-255, as always. */
        NOISE,
        /** A light gradient with stripes, grain or a weave: paper, cloth, a wall. */
        TEXTURE,
        /** A photo-like scene: a horizon, out-of-focus blobs, twigs and pebbles, sensor grain, all muted. */
        PHOTO,
        /** One of the four above per image. */
        MIXED
    }

    /**
     * The held-out renderer setting, drawn only by the split {@code test-renderer} and never trained on: outlines,
     * turned up to 30 degrees, colours jittered half-way, on photo-like backgrounds, drawn at twice the image size and
     * resized (smoother edges than the default renderer), every image through a JPEG round trip of quality 30-90.
     * Outlines on photo backgrounds are the combination no other split draws (see {@link ShapeLook#draw}), and a
     * training file cannot ask for it ({@code style: outline} with {@code background: photo} is refused).
     *
     * @param imageSize the dataset's image side
     * @return the setting at that size
     */
    static RendererOptions heldOut(int imageSize) {
        return new RendererOptions(
                Style.OUTLINE,
                30,
                Antialias.ON,
                0.5,
                Background.PHOTO,
                0,
                0,
                1.0,
                List.of(Math.min(ShapesConfig.MAX_IMAGE_SIZE, 2 * imageSize)));
    }

    /** @return the setting as a training file would write it, for {@code describe()} */
    Map<String, Object> asOptions() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(STYLE, lower(style));
        m.put(ROTATION, rotation);
        m.put(ANTIALIAS, lower(antialias));
        m.put(COLOUR_JITTER, colourJitter);
        m.put(BACKGROUND, lower(background));
        m.put(NOISE, noise);
        m.put(BLUR, blur);
        m.put(JPEG, jpeg);
        m.put(RENDER_SIZES, renderSizes);
        return m;
    }

    /**
     * @param imageSize the dataset's image side
     * @return true when nothing varies beyond what the renderer always did: filled, unturned, antialiased, exact
     *     colours, white or noise background, no noise, blur or JPEG, drawn at the image size
     */
    boolean isPlain(int imageSize) {
        return style == Style.FILLED
                && rotation == 0
                && antialias == Antialias.ON
                && colourJitter == 0
                && (background == Background.WHITE || background == Background.NOISE)
                && noise == 0
                && blur == 0
                && jpeg == 0
                && renderSizes.equals(List.of(imageSize));
    }

    /**
     * @param o the dataset's options
     * @param imageSize the image side, the default render size
     * @return the checked renderer options
     */
    static RendererOptions parse(DatasetOptions o, int imageSize) {
        Style style = Style.valueOf(upper(o.choice(STYLE, "filled", "outline", "mixed")));
        double rotation = o.number(ROTATION, 0, MAX_ROTATION);
        Antialias antialias = Antialias.valueOf(upper(o.choice(ANTIALIAS, "on", "off", "mixed")));
        double jitter = o.number(COLOUR_JITTER, 0, 1);
        Background background =
                Background.valueOf(upper(o.choice(BACKGROUND, "white", "noise", "texture", "photo", "mixed")));
        if (style == Style.OUTLINE && background == Background.PHOTO) {
            throw o.bad(
                    STYLE,
                    "outline",
                    "'filled' or 'mixed', or another background than 'photo': outlines on photo backgrounds are the"
                            + " held-out renderer setting (split test-renderer), never trained on");
        }
        double noise = o.number(NOISE, 0, MAX_NOISE);
        double blur = o.number(BLUR, 0, MAX_BLUR);
        double jpeg = o.number(JPEG, 0, 1);
        List<Integer> sizes = new ArrayList<>();
        String expected = "a list of up to " + MAX_RENDER_SIZES + " whole numbers from 8 to "
                + ShapesConfig.MAX_IMAGE_SIZE + ", e.g. [" + imageSize + ", " + 2 * imageSize
                + "] (empty: the image size)";
        for (String s : o.strings(RENDER_SIZES)) {
            int size;
            try {
                size = Integer.parseInt(s.replace("_", "").replaceAll("\\.0+$", ""));
            } catch (NumberFormatException e) {
                throw o.bad(RENDER_SIZES, o.raw(RENDER_SIZES), expected);
            }
            if (size < 8 || size > ShapesConfig.MAX_IMAGE_SIZE) {
                throw o.bad(RENDER_SIZES, o.raw(RENDER_SIZES), expected);
            }
            sizes.add(size);
        }
        if (sizes.size() > MAX_RENDER_SIZES) {
            throw o.bad(RENDER_SIZES, o.raw(RENDER_SIZES), expected);
        }
        if (sizes.isEmpty()) {
            sizes.add(imageSize);
        }
        return new RendererOptions(
                style, rotation, antialias, jitter, background, noise, blur, jpeg, List.copyOf(sizes));
    }

    private static String upper(String s) {
        return s.toUpperCase(Locale.ROOT);
    }

    private static String lower(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }
}
