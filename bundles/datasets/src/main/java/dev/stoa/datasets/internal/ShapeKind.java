package dev.stoa.datasets.internal;

import java.awt.Shape;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;

/** The shapes the synthetic dataset draws, each as a Java2D outline around a centre, fitting in a circle of radius r. */
enum ShapeKind {
    CIRCLE("circle", "circles"),
    SQUARE("square", "squares"),
    TRIANGLE("triangle", "triangles"),
    STAR("star", "stars"),
    CROSS("cross", "crosses");

    /** A star's inner radius as a fraction of its outer one: fatter than a pentagram's 0.38, to stay a star at 8 px. */
    private static final double STAR_INNER = 0.5;
    /** Half the width of a cross's arm, as a fraction of the radius. */
    private static final double CROSS_ARM = 0.3;
    /** Half a square's side, as a fraction of the radius: its area then is close to the circle's. */
    private static final double SQUARE_HALF = 0.8;

    private final String word;
    private final String plural;

    ShapeKind(String word, String plural) {
        this.word = word;
        this.plural = plural;
    }

    /** @return the name in labels and captions, e.g. {@code circle} */
    String word() {
        return word;
    }

    /** @return the plural in captions, e.g. {@code crosses} */
    String plural() {
        return plural;
    }

    /**
     * @return how far the outline reaches from the centre, as a fraction of r: 1 for the shapes whose corners touch
     *     the enclosing circle, more for the square's corners and the cross's arm ends, which only a turned shape
     *     brings near the image's edge
     */
    double reach() {
        return switch (this) {
            case SQUARE -> SQUARE_HALF * Math.sqrt(2);
            case CROSS -> Math.hypot(1, CROSS_ARM);
            default -> 1;
        };
    }

    /**
     * @param cx centre x, pixels
     * @param cy centre y, pixels
     * @param r radius of the circle the shape fits in, pixels
     * @return the filled outline
     */
    Shape outline(double cx, double cy, double r) {
        return switch (this) {
            case CIRCLE -> new Ellipse2D.Double(cx - r, cy - r, 2 * r, 2 * r);
            case SQUARE ->
                new Rectangle2D.Double(
                        cx - SQUARE_HALF * r, cy - SQUARE_HALF * r, 2 * SQUARE_HALF * r, 2 * SQUARE_HALF * r);
            case TRIANGLE -> polygon(cx, cy, r, r, 3);
            case STAR -> polygon(cx, cy, r, STAR_INNER * r, 10);
            case CROSS -> cross(cx, cy, r);
        };
    }

    /**
     * @param cx centre x, pixels
     * @param cy centre y, pixels
     * @param r radius of the circle the shape fits in, pixels
     * @return the outline to stroke: the same as {@link #outline} but for the cross, whose filled form is two
     *     overlapping bars (kept, so filled crosses draw the pixels they always drew) and whose stroked form is its
     *     12-corner silhouette, without the bars' inner edges
     */
    Shape strokeOutline(double cx, double cy, double r) {
        if (this != CROSS) {
            return outline(cx, cy, r);
        }
        double a = CROSS_ARM * r;
        double[][] corners = {
            {-a, -r}, {a, -r}, {a, -a}, {r, -a}, {r, a}, {a, a}, {a, r}, {-a, r}, {-a, a}, {-r, a}, {-r, -a}, {-a, -a}
        };
        Path2D.Double p = new Path2D.Double();
        p.moveTo(cx + corners[0][0], cy + corners[0][1]);
        for (int k = 1; k < corners.length; k++) {
            p.lineTo(cx + corners[k][0], cy + corners[k][1]);
        }
        p.closePath();
        return p;
    }

    /** A regular polygon (or, with two radii, a star) with its first vertex straight up. */
    private static Shape polygon(double cx, double cy, double outer, double inner, int vertices) {
        Path2D.Double p = new Path2D.Double();
        for (int k = 0; k < vertices; k++) {
            double radius = vertices > 3 && k % 2 == 1 ? inner : outer;
            double angle = -Math.PI / 2 + 2 * Math.PI * k / vertices;
            double x = cx + radius * Math.cos(angle);
            double y = cy + radius * Math.sin(angle);
            if (k == 0) {
                p.moveTo(x, y);
            } else {
                p.lineTo(x, y);
            }
        }
        p.closePath();
        return p;
    }

    private static Shape cross(double cx, double cy, double r) {
        double a = CROSS_ARM * r;
        Path2D.Double p = new Path2D.Double();
        p.append(new Rectangle2D.Double(cx - r, cy - a, 2 * r, 2 * a), false);
        p.append(new Rectangle2D.Double(cx - a, cy - r, 2 * a, 2 * r), false);
        p.setWindingRule(Path2D.WIND_NON_ZERO);
        return p;
    }
}
