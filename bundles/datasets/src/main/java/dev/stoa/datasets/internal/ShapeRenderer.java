package dev.stoa.datasets.internal;

import dev.stoa.api.data.Image;
import dev.stoa.datasets.internal.RendererOptions.Background;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Shape;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * Draws a {@link ShapeScene} with Java2D into an {@code (S, S, 3)} RGB {@link Image}, the way its {@link ShapeLook}
 * says: background, filled or outlined copies (turned, antialiased or not, in the look's colour) at the render size,
 * then blur, the resize to {@code S}, pixel noise and a JPEG round trip. Shapes are geometry only, so they draw the
 * same on every machine; a word is drawn with the logical font {@code SansSerif}, whose glyphs depend on the fonts
 * installed. With the plain look (every option at its default) each step but the fill is skipped, and the pixels
 * are the ones this renderer always drew.
 */
final class ShapeRenderer {

    /** Darkest grey of the noise background; 255 is the lightest. Light, so every shape colour stands out. */
    private static final int NOISE_FLOOR = 215;
    /** Colour of drawn words: near black, unlike every shape colour. */
    private static final Color TEXT = new Color(0x141414);
    /** Blur radii below this change no pixel (sigma is half the radius: the next pixel's weight is under 1e-3). */
    private static final double LEAST_BLUR = 0.5;

    private final int side;
    /**
     * Canvases not in use, by side. A thread takes one (or makes one) per example and gives it back, so threads never
     * share one; held by the dataset rather than by threads (no ThreadLocal), so nothing outlives the bundle.
     */
    private final Map<Integer, ConcurrentLinkedDeque<Canvas>> idle = new ConcurrentHashMap<>();

    /** @param side image side, pixels */
    ShapeRenderer(int side) {
        this.side = side;
    }

    /**
     * @param scene what to draw, in image-size pixels
     * @param look how
     * @param plain true when the renderer options are all at their defaults: the canvas' Graphics2D is reused, as it
     *     always was; otherwise each image gets a Graphics2D of its own. Reusing one across images that switch
     *     antialiasing and strokes made an image's pixels depend on what the canvas drew before (seen as different
     *     bytes when threads read in another order), so only the plain looks, which never switch, share one
     * @return the image, {@code side x side}
     */
    Image render(ShapeScene scene, ShapeLook look, boolean plain) {
        ConcurrentLinkedDeque<Canvas> pool =
                idle.computeIfAbsent(look.renderSize(), s -> new ConcurrentLinkedDeque<>());
        Canvas canvas = pool.pollFirst();
        if (canvas == null) {
            canvas = new Canvas(look.renderSize(), side);
        }
        try {
            if (plain) {
                return draw(canvas, canvas.graphics, scene, look, side);
            }
            Graphics2D own = canvas.newGraphics();
            try {
                return draw(canvas, own, scene, look, side);
            } finally {
                own.dispose();
            }
        } finally {
            pool.offerFirst(canvas);
        }
    }

    private static Image draw(Canvas canvas, Graphics2D g, ShapeScene scene, ShapeLook look, int imageSide) {
        int drawSide = canvas.side;
        int[] px = canvas.pixels;
        g.setRenderingHint(
                RenderingHints.KEY_ANTIALIASING,
                look.antialias() ? RenderingHints.VALUE_ANTIALIAS_ON : RenderingHints.VALUE_ANTIALIAS_OFF);
        g.setRenderingHint(
                RenderingHints.KEY_TEXT_ANTIALIASING,
                look.antialias() ? RenderingHints.VALUE_TEXT_ANTIALIAS_ON : RenderingHints.VALUE_TEXT_ANTIALIAS_OFF);
        background(canvas, g, look);
        g.setColor(new Color(look.rgb()));
        double scale = (double) drawSide / imageSide;
        for (int n = 0; n < scene.count(); n++) {
            drawCopy(g, scene, look, n, scale);
        }
        if (scene.text() != null) {
            g.setColor(TEXT);
            if (scale != 1) {
                g.setTransform(AffineTransform.getScaleInstance(scale, scale));
            }
            g.drawString(scene.text(), scene.textX(), scene.textY());
            g.setTransform(new AffineTransform());
        }
        // the canvas' pixels may be changed in place: the next example paints every one of them again
        if (look.blurRadius() >= LEAST_BLUR) {
            PixelEffects.blur(px, drawSide, look.blurRadius());
        }
        int[] out = PixelEffects.resize(px, drawSide, imageSide);
        if (look.noiseSigma() > 0) {
            PixelEffects.noise(out, look.noiseSigma(), look.noiseSeed());
        }
        if (look.jpegQuality() > 0) {
            out = canvas.jpeg().apply(out, look.jpegQuality());
        }
        // straight from the int buffer: Image.fromBufferedImage's getRGB goes pixel by pixel through the colour
        // model, which cost more than the drawing itself at 32x32
        byte[] rgb = new byte[out.length * 3];
        for (int i = 0, j = 0; i < out.length; i++) {
            int p = out[i];
            rgb[j++] = (byte) (p >> 16);
            rgb[j++] = (byte) (p >> 8);
            rgb[j++] = (byte) p;
        }
        return new Image(imageSide, imageSide, rgb);
    }

    /**
     * Draws copy {@code n} of the scene in the graphics' current colour: filled, or its outline stroked inside the
     * filled area, turned by the copy's angle and scaled from image-size pixels to the canvas. {@link ShapeMasks}
     * draws each copy's mask through this same method, so a mask is what the image shows.
     *
     * @param g the canvas' graphics, its antialiasing already set
     * @param scene the scene
     * @param look how it looks
     * @param n which copy
     * @param scale canvas side over image side
     */
    static void drawCopy(Graphics2D g, ShapeScene scene, ShapeLook look, int n, double scale) {
        double[] p = scene.placements().get(n);
        double angle = look.angles()[n];
        Shape shape;
        double stroke = 0;
        if (look.outline()) {
            // the stroke lies inside the filled shape's area: centred on the outline of a copy half a stroke
            // smaller, so an outlined copy never reaches further than the filled one would
            stroke = Math.max(ShapeLook.MIN_STROKE_PX, look.strokeFraction() * p[2]);
            shape = scene.kind().strokeOutline(p[0], p[1], Math.max(stroke / 2, p[2] - stroke / 2));
        } else {
            shape = scene.kind().outline(p[0], p[1], p[2]);
        }
        if (scale != 1 || angle != 0) {
            AffineTransform t = AffineTransform.getScaleInstance(scale, scale);
            t.rotate(angle, p[0], p[1]);
            shape = t.createTransformedShape(shape);
        }
        if (look.outline()) {
            g.setStroke(new BasicStroke((float) (stroke * scale), BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER));
            g.draw(shape);
        } else {
            g.fill(shape);
        }
    }

    private static void background(Canvas canvas, Graphics2D g, ShapeLook look) {
        int[] px = canvas.pixels;
        Background b = look.background();
        if (b == Background.WHITE) {
            Arrays.fill(px, 0xFFFFFF);
        } else if (b == Background.NOISE) {
            SplittableRandom noise = new SplittableRandom(look.backgroundSeed());
            for (int i = 0; i < px.length; i++) {
                int grey = NOISE_FLOOR + noise.nextInt(256 - NOISE_FLOOR);
                px[i] = grey << 16 | grey << 8 | grey;
            }
        } else if (b == Background.TEXTURE) {
            Backgrounds.texture(px, canvas.side, look.backgroundSeed());
        } else {
            Backgrounds.photo(px, canvas.side, g, look.backgroundSeed());
        }
    }

    /**
     * An image and its Graphics2D, reused from example to example: creating them cost as much as drawing a shape.
     * Every pixel is rewritten per example (background first), so nothing carries over.
     */
    private static final class Canvas {

        final int side;
        final int[] pixels;
        final Graphics2D graphics;
        private final BufferedImage image;
        private final int imageSide;
        private JpegRoundTrip jpeg;

        /**
         * @param side canvas side (the render size)
         * @param imageSide the image side: the font is sized for it, and scaled with the drawing
         */
        Canvas(int side, int imageSide) {
            this.side = side;
            BufferedImage img = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
            this.pixels = ((DataBufferInt) img.getRaster().getDataBuffer()).getData();
            this.image = img;
            this.imageSide = imageSide;
            this.graphics = newGraphics();
        }

        /** @return the canvas' JPEG codec for images of the image side, made on first use */
        JpegRoundTrip jpeg() {
            if (jpeg == null) {
                jpeg = new JpegRoundTrip(imageSide);
            }
            return jpeg;
        }

        /** @return a Graphics2D on the canvas, antialiased, pure strokes, the word's font */
        Graphics2D newGraphics() {
            Graphics2D g = image.createGraphics();
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, Math.max(6, imageSide / 4)));
            return g;
        }
    }
}
