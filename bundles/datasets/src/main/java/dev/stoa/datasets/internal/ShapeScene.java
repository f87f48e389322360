package dev.stoa.datasets.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * What one synthetic image shows, before it is drawn: one colour and shape, {@code count} copies that do not
 * overlap, and maybe a word. Everything is drawn from one {@link SplittableRandom} in a fixed order, so the scene is
 * a pure function of that generator's seed.
 *
 * @param colour the shapes' colour
 * @param kind the shape
 * @param placements one per copy: {@code {cx, cy, r}} in pixels (centre, radius of the enclosing circle)
 * @param size {@code small} or {@code large}: whether the drawn diameter is below the middle of the size range
 * @param position where a single shape is ({@code left}, {@code right}, {@code top}, {@code bottom},
 *     {@code center}), or null when there are several
 * @param text the word drawn, or null
 * @param textX the word's baseline start x, pixels
 * @param textY the word's baseline y, pixels
 * @param captionChoice which caption template leads; any non-negative number, taken modulo the template count
 */
record ShapeScene(
        ShapeColour colour,
        ShapeKind kind,
        List<double[]> placements,
        String size,
        String position,
        String text,
        float textX,
        float textY,
        int captionChoice) {

    /** Words that may be drawn into an image: short, so they fit even at 32 pixels. */
    static final List<String> WORDS = List.of("STOP", "GO", "CAT", "DOG", "SUN", "BOX", "YES", "NO");

    /** How many random centres are tried for a copy before all copies are made smaller. */
    private static final int PLACEMENT_TRIES = 30;
    /** Factor by which all copies shrink when they do not fit apart. */
    private static final double SHRINK = 0.85;
    /** Smallest radius drawn, pixels: below it a shape is a blur. */
    private static final double MIN_RADIUS = 2.0;
    /** A centre within this fraction of the image side from the middle, on both axes, is "center". */
    private static final double CENTRE_BAND = 1.0 / 6;

    /** @return the number of copies */
    int count() {
        return placements.size();
    }

    /** @return the label, e.g. {@code red circle} */
    String label() {
        return colour.word() + " " + kind.word();
    }

    /**
     * Draws a scene.
     *
     * @param config the dataset's options
     * @param labels the labels this split draws from, as indexes into colours x shapes ({@code c * shapes + s})
     * @param rng the example's own generator
     * @param turned null, or the generator of a placement for copies that may be turned: then a copy's whole
     *     outline, turned any way, stays inside the image (a square's corners reach past its enclosing circle), at
     *     the cost of a smaller shape when it would fill the frame. The unturned placement is drawn from {@code rng}
     *     all the same, so every other draw (the word, the caption template) is the same with or without turning
     * @return the scene
     */
    static ShapeScene generate(ShapesConfig config, int[] labels, SplittableRandom rng, SplittableRandom turned) {
        int label = labels[rng.nextInt(labels.length)];
        ShapeKind[] kinds = ShapeKind.values();
        ShapeColour colour = ShapeColour.values()[label / kinds.length];
        ShapeKind kind = kinds[label % kinds.length];
        int count = 1 + rng.nextInt(config.maxCount());
        double fraction = config.minSize() + rng.nextDouble() * (config.maxSize() - config.minSize());
        String size = fraction < (config.minSize() + config.maxSize()) / 2 ? "small" : "large";
        int side = config.imageSize();
        double r = Math.max(MIN_RADIUS, fraction * side / 2 / Math.sqrt(count));
        List<double[]> placements = place(count, r, 1, side, rng);
        if (turned != null) {
            double reach = kind.reach();
            placements = place(count, Math.min(r, side / 2.0 / reach), reach, side, turned);
        }

        String position = null;
        if (count == 1) {
            position = position(placements.get(0)[0] / side - 0.5, placements.get(0)[1] / side - 0.5);
        }
        String text = null;
        float textX = 0;
        float textY = 0;
        if (config.textProbability() > 0 && rng.nextDouble() < config.textProbability()) {
            text = WORDS.get(rng.nextInt(WORDS.size()));
            textX = (float) (rng.nextDouble() * side * 0.4);
            textY = (float) (side * (0.3 + rng.nextDouble() * 0.65));
        }
        int captionChoice = rng.nextInt(1 << 16);
        return new ShapeScene(colour, kind, placements, size, position, text, textX, textY, captionChoice);
    }

    /** Non-overlapping centres inside the image; all copies shrink until they fit. */
    private static List<double[]> place(int count, double radius, double reach, int side, SplittableRandom rng) {
        double r = radius;
        while (true) {
            List<double[]> placed = new ArrayList<>(count);
            for (int n = 0; n < count; n++) {
                double[] p = null;
                for (int t = 0; t < PLACEMENT_TRIES && p == null; t++) {
                    // the whole enclosing circle (times reach) inside the image: reach * r <= side/2 by construction
                    double cx = reach * r + rng.nextDouble() * Math.max(0, side - 2 * reach * r);
                    double cy = reach * r + rng.nextDouble() * Math.max(0, side - 2 * reach * r);
                    if (apart(placed, cx, cy, r)) {
                        p = new double[] {cx, cy, r};
                    }
                }
                if (p == null) {
                    break;
                }
                placed.add(p);
            }
            if (placed.size() == count || r <= MIN_RADIUS) {
                // at the smallest radius, keep what fits rather than loop: only when count copies cannot fit
                return placed.size() == count ? placed : grid(count, r, reach, side);
            }
            r = Math.max(MIN_RADIUS, r * SHRINK);
        }
    }

    /** Fallback when random placement fails at the smallest size: copies on a grid, which always fits. */
    private static List<double[]> grid(int count, double r, double reach, int side) {
        int perRow = (int) Math.ceil(Math.sqrt(count));
        double cell = (double) side / perRow;
        double rr = Math.min(r, cell / 2.2 / reach);
        List<double[]> placed = new ArrayList<>(count);
        for (int n = 0; n < count; n++) {
            placed.add(new double[] {cell * (n % perRow + 0.5), cell * (n / perRow + 0.5), rr});
        }
        return placed;
    }

    private static boolean apart(List<double[]> placed, double cx, double cy, double r) {
        for (double[] q : placed) {
            // a square's corners reach 1.13 r: keep a margin so no two copies touch
            double min = 1.2 * (r + q[2]);
            if ((cx - q[0]) * (cx - q[0]) + (cy - q[1]) * (cy - q[1]) < min * min) {
                return false;
            }
        }
        return true;
    }

    private static String position(double dx, double dy) {
        if (Math.abs(dx) < CENTRE_BAND && Math.abs(dy) < CENTRE_BAND) {
            return "center";
        }
        if (Math.abs(dx) >= Math.abs(dy)) {
            return dx < 0 ? "left" : "right";
        }
        return dy < 0 ? "top" : "bottom";
    }
}
