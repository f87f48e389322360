package dev.stoa.nn.eval;

import dev.stoa.api.data.Image;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Says which colour and which shape an image shows, from its pixels alone, with nothing learnt: the judge of drawn
 * images that cannot share a generator's blind spots the way a trained CLIP can.
 *
 * <p>How it reads an image:
 *
 * <ol>
 *   <li><b>Foreground</b>: the pixels with chroma (max minus min of R, G, B) of at least {@link #MIN_CHROMA}. White,
 *       grey noise, black text and their blends have almost none; every colour the shapes dataset names has 130 or
 *       more.
 *   <li><b>Colour</b>: each foreground pixel's hue goes to the nearest of the six named hues ({@link #HUES}); the
 *       colour with most pixels wins.
 *   <li><b>Shape</b>: the largest 8-connected blob of that colour's pixels (one copy when several are drawn) is
 *       filled (a word drawn over it would make holes) and described by four numbers that do not change when the
 *       shape turns or grows:
 *       <ul>
 *         <li><i>solidity</i>, the blob's area over its convex hull's: near 1 for circles and squares, 0.75-0.96 for
 *             pixelated triangles, 0.50-0.68 for stars and crosses;
 *         <li><i>hull fill</i>, the hull's area over the circle through its farthest point from the centroid: 1 for a
 *             circle, 2/pi = 0.64 for a square, 0.41 for an equilateral triangle;
 *         <li><i>corners</i>, the number of arms of the radial profile (how far rays from the centroid stay in the
 *             blob): runs of rays reaching past the middle of its range, 3 for a triangle, 4 for a square or a
 *             cross, 5 for a star;
 *         <li><i>depth</i>, the radial profile's least over its greatest: near 1 for a circle, 0.71 for a square,
 *             0.5 or less for the others.
 *       </ul>
 *       Round and solid is a circle; deep enough a square; three arms a triangle; five a star; else a cross. The
 *       thresholds sit between the values measured on the shapes dataset's images and on shapes drawn with Java2D at 5
 *       to 44 pixels of radius, turned at random, antialiased or not ({@code ShapeJudgeTest}).
 * </ol>
 *
 * <p>It is made for filled shapes on light, unsaturated backgrounds (what the generators of the survey draw): an
 * outlined shape or a colourful photo background is not what it reads. Its accuracy on the dataset's own images is
 * measured by the survey benchmark's tests, not assumed.
 */
public final class ShapeJudge {

    /** The colour words, in the order of {@link #HUES}. */
    public static final List<String> COLOURS = List.of("red", "orange", "yellow", "green", "blue", "purple");

    /** The hue of each colour word, degrees: those of the shapes dataset's colours (e.g. red 220,30,30 is 0). */
    static final double[] HUES = {0, 29.4, 52.5, 133.8, 227.4, 282.9};

    /** The shape words. */
    public static final List<String> SHAPES = List.of("circle", "square", "triangle", "star", "cross");

    /** Least chroma (0-255) of a foreground pixel. */
    static final int MIN_CHROMA = 60;

    /** Fewest pixels in a blob whose shape is judged: fewer say nothing about shape. */
    static final int MIN_BLOB = 12;

    /** Least solidity of a circle: pixelated circles measure 0.90 and more, crosses 0.81 at most. */
    static final double ROUND_SOLIDITY = 0.87;

    /** Least hull fill of a circle: between a circle's 1 (0.80 and more at 5 px) and a square's 0.64 (0.77 at most). */
    static final double ROUND = 0.785;

    /**
     * Least depth of a square's radial profile (1/sqrt 2 = 0.71 drawn exactly, 0.65 and more pixelated), above a
     * triangle's, star's and cross's (0.5, 0.5 and 0.42 exactly, 0.56 at most pixelated).
     */
    static final double SQUARE_DEPTH = 0.61;

    /** Margin around the middle of the radial profile a run must cross, as a fraction of the profile's range. */
    private static final double HYSTERESIS = 0.1;

    /** Directions of the radial profile. */
    private static final int DIRECTIONS = 72;

    private ShapeJudge() {}

    /**
     * What the judge read.
     *
     * @param colour the dominant colour word, or {@code null} when no pixel has colour
     * @param shape the shape word, or {@code null} when the colour's largest blob is under {@link #MIN_BLOB} pixels
     * @param pixels the foreground pixels of the dominant colour
     * @param solidity the blob's area over its convex hull's (0 when there is no blob)
     * @param hullFill the hull's area over the circle through its farthest point (0 when there is no blob)
     * @param corners arms of the radial profile (0 when there is no blob)
     * @param depth the radial profile's least over its greatest (0 when there is no blob)
     */
    public record Verdict(
            String colour, String shape, int pixels, double solidity, double hullFill, int corners, double depth) {

        /**
         * @param colour a colour word
         * @param shape a shape word
         * @return true when the judge read both
         */
        public boolean says(String colour, String shape) {
            return colour.equals(this.colour) && shape.equals(this.shape);
        }
    }

    /** Images with a side under this are enlarged (nearest neighbour, by a whole factor) before they are read. */
    public static final int MIN_SIDE = 32;

    /** @return the image, or it enlarged by the least whole factor that makes both sides at least MIN_SIDE */
    static Image enlarged(Image image) {
        int side = Math.min(image.width(), image.height());
        if (side >= MIN_SIDE || side < 1) {
            return image;
        }
        int k = (MIN_SIDE + side - 1) / side;
        int w = image.width() * k;
        int h = image.height() * k;
        byte[] from = image.rgb();
        byte[] to = new byte[3 * w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int src = 3 * ((y / k) * image.width() + x / k);
                int dst = 3 * (y * w + x);
                to[dst] = from[src];
                to[dst + 1] = from[src + 1];
                to[dst + 2] = from[src + 2];
            }
        }
        return new Image(w, h, to);
    }

    /**
     * @param image any size, RGB; under {@link #MIN_SIDE} pixels a side it is enlarged first, so that the radial
     *     profile has enough rays (a 16 px drawing's star is 5 or 6 pixels across)
     * @return what it shows
     */
    public static Verdict judge(Image image) {
        image = enlarged(image);
        int w = image.width();
        int h = image.height();
        byte[] rgb = image.rgb();
        int[] colourOf = new int[w * h];
        int[] votes = new int[COLOURS.size()];
        for (int i = 0; i < w * h; i++) {
            int r = rgb[3 * i] & 0xFF;
            int g = rgb[3 * i + 1] & 0xFF;
            int b = rgb[3 * i + 2] & 0xFF;
            int max = Math.max(r, Math.max(g, b));
            int min = Math.min(r, Math.min(g, b));
            if (max - min < MIN_CHROMA) {
                colourOf[i] = -1;
                continue;
            }
            int c = nearestHue(hue(r, g, b, max, min));
            colourOf[i] = c;
            votes[c]++;
        }
        int best = 0;
        for (int c = 1; c < votes.length; c++) {
            if (votes[c] > votes[best]) {
                best = c;
            }
        }
        if (votes[best] == 0) {
            return new Verdict(null, null, 0, 0, 0, 0, 0);
        }
        int[] blob = withHoles(largestBlob(colourOf, w, h, best), w, h);
        String colour = COLOURS.get(best);
        if (blob.length < MIN_BLOB) {
            return new Verdict(colour, null, votes[best], 0, 0, 0, 0);
        }
        double[] xs = new double[blob.length];
        double[] ys = new double[blob.length];
        double cx = 0;
        double cy = 0;
        for (int k = 0; k < blob.length; k++) {
            xs[k] = blob[k] % w + 0.5;
            ys[k] = blob[k] / w + 0.5;
            cx += xs[k];
            cy += ys[k];
        }
        cx /= blob.length;
        cy /= blob.length;
        double[][] hull = hullOfPixels(xs, ys);
        double hullArea = polygonArea(hull);
        double reach = 0;
        for (double[] p : hull) {
            reach = Math.max(reach, Math.hypot(p[0] - cx, p[1] - cy));
        }
        double solidity = blob.length / hullArea;
        double hullFill = hullArea / (Math.PI * reach * reach);
        boolean[] inBlob = new boolean[w * h];
        for (int i : blob) {
            inBlob[i] = true;
        }
        double[] profile = radialProfile(inBlob, w, h, cx, cy, reach);
        int corners = arms(profile);
        double depth = Arrays.stream(profile).min().orElse(0)
                / Math.max(1e-9, Arrays.stream(profile).max().orElse(0));
        String shape;
        if (solidity >= ROUND_SOLIDITY && hullFill >= ROUND) {
            shape = "circle";
        } else if (depth >= SQUARE_DEPTH) {
            shape = "square";
        } else if (corners == 3) {
            shape = "triangle";
        } else {
            shape = corners >= 5 ? "star" : "cross";
        }
        return new Verdict(colour, shape, votes[best], solidity, hullFill, corners, depth);
    }

    /** Hue in degrees, [0, 360). */
    static double hue(int r, int g, int b, int max, int min) {
        double c = max - min;
        double hue;
        if (max == r) {
            hue = 60 * ((g - b) / c);
        } else if (max == g) {
            hue = 60 * ((b - r) / c) + 120;
        } else {
            hue = 60 * ((r - g) / c) + 240;
        }
        return hue < 0 ? hue + 360 : hue;
    }

    /** Index into {@link #HUES} of the nearest hue, around the circle. */
    static int nearestHue(double hue) {
        int best = 0;
        double bestDistance = Double.MAX_VALUE;
        for (int k = 0; k < HUES.length; k++) {
            double d = Math.abs(hue - HUES[k]);
            d = Math.min(d, 360 - d);
            if (d < bestDistance) {
                bestDistance = d;
                best = k;
            }
        }
        return best;
    }

    /** The pixel indexes of the largest 8-connected set of pixels of colour {@code c}. */
    private static int[] largestBlob(int[] colourOf, int w, int h, int c) {
        boolean[] seen = new boolean[colourOf.length];
        int[] best = new int[0];
        ArrayDeque<Integer> queue = new ArrayDeque<>();
        for (int start = 0; start < colourOf.length; start++) {
            if (colourOf[start] != c || seen[start]) {
                continue;
            }
            List<Integer> members = new ArrayList<>();
            seen[start] = true;
            queue.add(start);
            while (!queue.isEmpty()) {
                int i = queue.poll();
                members.add(i);
                int x = i % w;
                int y = i / w;
                for (int dy = -1; dy <= 1; dy++) {
                    for (int dx = -1; dx <= 1; dx++) {
                        int nx = x + dx;
                        int ny = y + dy;
                        if (nx < 0 || ny < 0 || nx >= w || ny >= h) {
                            continue;
                        }
                        int j = ny * w + nx;
                        if (!seen[j] && colourOf[j] == c) {
                            seen[j] = true;
                            queue.add(j);
                        }
                    }
                }
            }
            if (members.size() > best.length) {
                best = members.stream().mapToInt(Integer::intValue).toArray();
            }
        }
        return best;
    }

    /**
     * The blob with its holes filled: the pixels no 4-connected path of non-blob pixels links to the image's border
     * (a word drawn over a shape, a speck of another colour) belong to it.
     */
    static int[] withHoles(int[] blob, int w, int h) {
        boolean[] in = new boolean[w * h];
        for (int i : blob) {
            in[i] = true;
        }
        boolean[] outside = new boolean[w * h];
        ArrayDeque<Integer> queue = new ArrayDeque<>();
        for (int i = 0; i < w * h; i++) {
            int x = i % w;
            int y = i / w;
            if ((x == 0 || y == 0 || x == w - 1 || y == h - 1) && !in[i]) {
                outside[i] = true;
                queue.add(i);
            }
        }
        int[][] steps = {{1, 0}, {-1, 0}, {0, 1}, {0, -1}};
        while (!queue.isEmpty()) {
            int i = queue.poll();
            for (int[] d : steps) {
                int nx = i % w + d[0];
                int ny = i / w + d[1];
                if (nx >= 0 && ny >= 0 && nx < w && ny < h) {
                    int j = ny * w + nx;
                    if (!in[j] && !outside[j]) {
                        outside[j] = true;
                        queue.add(j);
                    }
                }
            }
        }
        int n = 0;
        for (boolean o : outside) {
            n += o ? 0 : 1;
        }
        int[] filled = new int[n];
        for (int i = 0, k = 0; i < w * h; i++) {
            if (!outside[i]) {
                filled[k++] = i;
            }
        }
        return filled;
    }

    /**
     * The convex hull of the pixels' squares (their four corners), counter-clockwise: a one-pixel blob has area 1,
     * like its pixel count, so solidity compares like with like.
     */
    static double[][] hullOfPixels(double[] xs, double[] ys) {
        double[][] pts = new double[xs.length * 4][];
        for (int k = 0; k < xs.length; k++) {
            pts[4 * k] = new double[] {xs[k] - 0.5, ys[k] - 0.5};
            pts[4 * k + 1] = new double[] {xs[k] + 0.5, ys[k] - 0.5};
            pts[4 * k + 2] = new double[] {xs[k] - 0.5, ys[k] + 0.5};
            pts[4 * k + 3] = new double[] {xs[k] + 0.5, ys[k] + 0.5};
        }
        return convexHull(pts);
    }

    /** Andrew's monotone chain; collinear points dropped. */
    static double[][] convexHull(double[][] points) {
        double[][] p = points.clone();
        Arrays.sort(p, (a, b) -> a[0] != b[0] ? Double.compare(a[0], b[0]) : Double.compare(a[1], b[1]));
        double[][] hull = new double[2 * p.length][];
        int k = 0;
        for (double[] q : p) {
            while (k >= 2 && cross(hull[k - 2], hull[k - 1], q) <= 0) {
                k--;
            }
            hull[k++] = q;
        }
        for (int i = p.length - 2, lower = k + 1; i >= 0; i--) {
            while (k >= lower && cross(hull[k - 2], hull[k - 1], p[i]) <= 0) {
                k--;
            }
            hull[k++] = p[i];
        }
        return Arrays.copyOf(hull, Math.max(1, k - 1));
    }

    private static double cross(double[] o, double[] a, double[] b) {
        return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
    }

    /** Shoelace formula; positive for either orientation. */
    static double polygonArea(double[][] polygon) {
        double twice = 0;
        for (int i = 0; i < polygon.length; i++) {
            double[] a = polygon[i];
            double[] b = polygon[(i + 1) % polygon.length];
            twice += a[0] * b[1] - b[0] * a[1];
        }
        return Math.abs(twice) / 2;
    }

    /**
     * The radial profile: along each of {@link #DIRECTIONS} rays from the centroid, the distance of the farthest blob
     * pixel the ray crosses (stepping a quarter pixel).
     */
    static double[] radialProfile(boolean[] inBlob, int w, int h, double cx, double cy, double reach) {
        double[] profile = new double[DIRECTIONS];
        for (int i = 0; i < DIRECTIONS; i++) {
            double angle = 2 * Math.PI * i / DIRECTIONS;
            double ux = Math.cos(angle);
            double uy = Math.sin(angle);
            double last = 0;
            for (double d = 0; d <= reach + 1; d += 0.25) {
                int x = (int) Math.floor(cx + d * ux);
                int y = (int) Math.floor(cy + d * uy);
                if (x >= 0 && y >= 0 && x < w && y < h && inBlob[y * w + x]) {
                    last = d;
                }
            }
            profile[i] = last;
        }
        return profile;
    }

    /**
     * @param profile a radial profile
     * @return its arms: circular runs of rays reaching past the middle between its least and greatest
     */
    static int arms(double[] profile) {
        double min = Arrays.stream(profile).min().orElse(0);
        double max = Arrays.stream(profile).max().orElse(0);
        // a run starts above the middle plus a margin and ends below the middle minus it, so a profile that wavers
        // around the middle (a pixelated edge) does not count one arm twice
        double high = (min + max) / 2 + HYSTERESIS * (max - min);
        double low = (min + max) / 2 - HYSTERESIS * (max - min);
        int start = 0;
        for (int i = 0; i < DIRECTIONS; i++) {
            if (profile[i] <= low) {
                start = i;
                break;
            }
        }
        int runs = 0;
        boolean up = false;
        for (int k = 0; k < DIRECTIONS; k++) {
            double d = profile[(start + k) % DIRECTIONS];
            if (!up && d > high) {
                up = true;
                runs++;
            } else if (up && d < low) {
                up = false;
            }
        }
        return runs;
    }
}
