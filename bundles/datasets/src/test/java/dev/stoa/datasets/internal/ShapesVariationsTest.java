package dev.stoa.datasets.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoa.api.data.Image;
import dev.stoa.api.dataset.Dataset;
import dev.stoa.api.dataset.Example;
import dev.stoa.datasets.internal.RendererOptions.Background;
import java.awt.Shape;
import java.awt.geom.AffineTransform;
import java.awt.geom.Area;
import java.awt.geom.Rectangle2D;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Each renderer variation does what it says, and leaves what an example means (label, captions) alone. */
class ShapesVariationsTest {

    private final ShapesDatasetFactory factory = new ShapesDatasetFactory();

    private Dataset open(Object... keyValues) {
        Map<String, Object> o = new HashMap<>();
        o.put("image_size", 64);
        for (int k = 0; k < keyValues.length; k += 2) {
            o.put((String) keyValues[k], keyValues[k + 1]);
        }
        return factory.open(o);
    }

    @Test
    void rotationTurnsShapesButKeepsTheirColour() {
        Dataset plain = open();
        Dataset turned = open("rotation", 45);
        int changed = 0;
        int notCircles = 0;
        for (int i = 0; i < 150; i++) {
            Example a = plain.split("train").get(i);
            Example b = turned.split("train").get(i);
            assertThat(b.label()).isEqualTo(a.label());
            assertThat(namedHue(b.image()))
                    .as("hue of %s", b.label())
                    .isEqualTo(b.attributes().get("colour"));
            if (!a.attributes().get("shape").equals("circle")) {
                notCircles++;
                changed += a.image().equals(b.image()) ? 0 : 1;
            }
        }
        assertThat(changed).isEqualTo(notCircles);
    }

    @Test
    void outlinesColourFarFewerPixelsThanFilledShapes() {
        Dataset filled = open("min_size", 0.5, "max_size", 0.9);
        Dataset outline = open("min_size", 0.5, "max_size", 0.9, "style", "outline");
        long filledTotal = 0;
        long outlineTotal = 0;
        for (int i = 0; i < 100; i++) {
            Example f = filled.split("train").get(i);
            Example o = outline.split("train").get(i);
            int nf = saturated(f.image());
            int no = saturated(o.image());
            assertThat(no).as("outline of %s", o.label()).isPositive().isLessThan((int) (0.9 * nf));
            assertThat(namedHue(o.image())).isEqualTo(o.attributes().get("colour"));
            filledTotal += nf;
            outlineTotal += no;
        }
        assertThat(outlineTotal).isLessThan(filledTotal / 2);
        // mixed draws both, about half each
        Dataset mixed = open("min_size", 0.5, "max_size", 0.9, "style", "mixed");
        int outlines = 0;
        for (int i = 0; i < 200; i++) {
            outlines += mixed.split("train")
                            .get(i)
                            .image()
                            .equals(filled.split("train").get(i).image())
                    ? 0
                    : 1;
        }
        assertThat(outlines).isBetween(70, 130);
    }

    @Test
    void jitteredColoursStayNearestTheirOwnNamedHue() {
        double[] u = {0, 0.1, 0.3, 0.5, 0.7, 0.9, 0.999999};
        for (ShapeColour c : ShapeColour.values()) {
            Set<Integer> distinct = new HashSet<>();
            for (double a : u) {
                for (double b : u) {
                    for (double v : u) {
                        int rgb = ColourJitter.jitter(c, 1.0, a, b, v);
                        distinct.add(rgb);
                        double[] hsv = ColourJitter.hsv(rgb);
                        assertThat(nearestHue(hsv[0]))
                                .as("%06x jittered from %s", rgb, c)
                                .isEqualTo(c);
                        assertThat(hsv[1]).as("saturation of %06x", rgb).isGreaterThanOrEqualTo(0.54);
                        // at least 4 degrees nearer its own hue than any other colour's
                        for (ShapeColour other : ShapeColour.values()) {
                            if (other != c) {
                                assertThat(hueDistance(hsv[0], baseHue(other)) - hueDistance(hsv[0], baseHue(c)))
                                        .as("%06x (%s) against %s", rgb, c, other)
                                        .isGreaterThan(4);
                            }
                        }
                    }
                }
            }
            assertThat(distinct).as("colours of %s", c).hasSizeGreaterThan(100);
        }
        // the confusion users saw: a jittered blue is never nearer green by hue, and never cyan
        for (double a : u) {
            double hue = ColourJitter.hsv(ColourJitter.jitter(ShapeColour.BLUE, 1.0, a, 0.5, 0.5))[0];
            assertThat(hueDistance(hue, baseHue(ShapeColour.BLUE)))
                    .isLessThan(hueDistance(hue, baseHue(ShapeColour.GREEN)) - 60);
            assertThat(hue).isGreaterThan(205);
        }
        assertThat(ColourJitter.jitter(ShapeColour.BLUE, 0, 0.3, 0.3, 0.3)).isEqualTo(ShapeColour.BLUE.rgb());
    }

    @Test
    void jitteredImagesShowManyShadesOfTheNamedColour() {
        Dataset d = open("colour_jitter", 1.0, "antialias", "off");
        Map<String, Set<Integer>> shades = new HashMap<>();
        for (int i = 0; i < 300; i++) {
            Example e = d.split("train").get(i);
            assertThat(namedHue(e.image()))
                    .as("%s", e.label())
                    .isEqualTo(e.attributes().get("colour"));
            shades.computeIfAbsent(e.attributes().get("colour"), k -> new HashSet<>())
                    .add(dominantSaturated(e.image()));
        }
        assertThat(shades).hasSize(6);
        shades.forEach((colour, set) -> assertThat(set).as(colour).hasSizeGreaterThan(20));
    }

    @Test
    void antialiasOffDrawsOnlyTheColourAndTheBackground() {
        Dataset hard = open("antialias", "off", "max_count", 3);
        Dataset soft = open("max_count", 3);
        int softBlends = 0;
        for (int i = 0; i < 60; i++) {
            Example e = hard.split("train").get(i);
            int colour = ShapeColour.valueOf(e.attributes().get("colour").toUpperCase())
                    .rgb();
            Set<Integer> seen = colours(e.image());
            assertThat(seen).as("%s", e.id()).containsExactlyInAnyOrder(0xFFFFFF, colour);
            softBlends += colours(soft.split("train").get(i).image()).size() > 2 ? 1 : 0;
        }
        assertThat(softBlends).isEqualTo(60);
        Dataset mixed = open("antialias", "mixed");
        long hardOnes = IntStream.range(0, 200)
                .filter(i -> colours(mixed.split("train").get(i).image()).size() == 2)
                .count();
        assertThat(hardOnes).isBetween(70L, 130L);
    }

    @Test
    void texturedAndPhotoBackgroundsAreBusyButMutedAndLeaveTheShapeTheColouredThing() {
        for (String background : List.of("texture", "photo")) {
            Dataset d = open("background", background, "max_count", 2);
            Dataset white = open("max_count", 2);
            Set<Integer> firstPixels = new HashSet<>();
            for (int i = 0; i < 80; i++) {
                Example e = d.split("train").get(i);
                Image img = e.image();
                firstPixels.add(rgbAt(img, 0));
                assertThat(colours(img).size()).as("%s %s", background, e.id()).isGreaterThan(40);
                assertThat(luminanceSpread(img)).as("%s %s", background, e.id()).isGreaterThan(2.0);
                // the saturated pixels are the shape's: about as many as on white (edges blended with a grey stay
                // more saturated than edges blended with white), and of its hue
                int onWhite = saturated(white.split("train").get(i).image());
                assertThat(saturated(img))
                        .as("%s %s", background, e.id())
                        .isBetween((int) (onWhite * 0.8), (int) (onWhite * 1.15) + 40);
                assertThat(namedHue(img)).isEqualTo(e.attributes().get("colour"));
            }
            assertThat(firstPixels).as(background).hasSizeGreaterThan(60);
        }
        Dataset mixed = open("background", "mixed");
        Set<Integer> kinds = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            Image img = mixed.split("train").get(i).image();
            int n = colours(img).size();
            kinds.add(n <= 80 && rgbAt(img, 0) == 0xFFFFFF ? 0 : isGrey(img) ? 1 : 2);
        }
        assertThat(kinds).containsExactlyInAnyOrder(0, 1, 2);
    }

    @Test
    void backgroundPixelsAreNeverSaturatedOrDark() {
        for (int side : new int[] {16, 64}) {
            java.awt.image.BufferedImage canvas =
                    new java.awt.image.BufferedImage(side, side, java.awt.image.BufferedImage.TYPE_INT_RGB);
            int[] px = ((java.awt.image.DataBufferInt) canvas.getRaster().getDataBuffer()).getData();
            java.awt.Graphics2D g = canvas.createGraphics();
            double maxSaturation = 0;
            double minValue = 1;
            for (long seed = 0; seed < 300; seed++) {
                if (seed % 2 == 0) {
                    Backgrounds.texture(px, side, seed);
                } else {
                    Backgrounds.photo(px, side, g, seed);
                }
                for (int p : px) {
                    double[] hsv = ColourJitter.hsv(p);
                    maxSaturation = Math.max(maxSaturation, hsv[1]);
                    minValue = Math.min(minValue, hsv[2]);
                }
            }
            g.dispose();
            // shape colours have saturation 0.55 and more (ColourJitter's floor)
            assertThat(maxSaturation).as("side %d", side).isLessThan(0.45);
            assertThat(minValue).as("side %d", side).isGreaterThan(0.2);
        }
    }

    @Test
    void noiseBlurAndJpegAreTheSameOnEveryReadAndChangeTheImage() {
        Map<String, Dataset> effects = Map.of(
                "noise", open("noise", 12),
                "blur", open("blur", 3),
                "jpeg", open("jpeg", 1.0),
                "all", factory.open(ShapesRendererOptionsTest.everything(48)));
        Dataset plain = open();
        for (Map.Entry<String, Dataset> entry : effects.entrySet()) {
            Dataset again = entry.getKey().equals("all")
                    ? factory.open(ShapesRendererOptionsTest.everything(48))
                    : open(entry.getKey(), entry.getValue().describe().get(entry.getKey()));
            for (String split : List.of("train", "test", "test-renderer")) {
                Dataset.Split s = entry.getValue().split(split);
                List<Image> sequential =
                        IntStream.range(0, 60).mapToObj(i -> s.get(i).image()).toList();
                List<Image> parallel = IntStream.range(0, 60)
                        .parallel()
                        .mapToObj(i -> Map.entry(59 - i, s.get(59 - i).image()))
                        .sorted(Map.Entry.comparingByKey())
                        .map(Map.Entry::getValue)
                        .toList();
                assertThat(parallel).as(entry.getKey() + " " + split).isEqualTo(sequential);
                for (int i = 0; i < 60; i++) {
                    assertThat(again.split(split).get(i).image()).isEqualTo(sequential.get(i));
                }
            }
            if (!entry.getKey().equals("all")) {
                long changed = IntStream.range(0, 100)
                        .filter(i -> !entry.getValue()
                                .split("train")
                                .get(i)
                                .image()
                                .equals(plain.split("train").get(i).image()))
                        .count();
                // blur draws its radius in [0, 3]: under about 0.6 px (1 in 5) it changes no pixel; noise its sigma in
                // [0, 12]: under about 0.1 it rounds away
                assertThat(changed)
                        .as(entry.getKey())
                        .isGreaterThanOrEqualTo(entry.getKey().equals("blur") ? 70 : 95);
            }
        }
        // other seeds, other noise
        assertThat(open("noise", 12, "seed", 1).split("train").get(0).image())
                .isNotEqualTo(open("noise", 12).split("train").get(0).image());
    }

    @Test
    void severalLargeTurnedCopiesNeverOverlapAndStayInsideTheFrame() {
        for (double min : new double[] {0.3, 0.8}) {
            ShapesConfig config = ShapesConfig.parse(
                    Map.of("image_size", 64, "max_count", 9, "min_size", min, "max_size", 1.0, "rotation", 180));
            int[] labels = IntStream.range(0, 30).toArray();
            RendererOptions options = config.renderer();
            for (int i = 0; i < 400; i++) {
                SplittableRandom seed = new SplittableRandom(i * 31L + (long) (min * 100));
                ShapeScene scene = ShapeScene.generate(config, labels, seed.split(), seed.split());
                ShapeLook look = ShapeLook.draw(options, scene.colour(), 0, seed.split(), false);
                Area all = new Area();
                for (int n = 0; n < scene.count(); n++) {
                    double[] p = scene.placements().get(n);
                    Shape turned = AffineTransform.getRotateInstance(look.angles()[n], p[0], p[1])
                            .createTransformedShape(scene.kind().outline(p[0], p[1], p[2]));
                    Area copy = new Area(turned);
                    // (Area's curves bound a circle a hair wide)
                    assertThat(new Rectangle2D.Double(-0.01, -0.01, 64.02, 64.02).contains(copy.getBounds2D()))
                            .as("copy %d of %s in scene %d: %s", n, scene.label(), i, copy.getBounds2D())
                            .isTrue();
                    Area overlap = new Area(all);
                    overlap.intersect(copy);
                    assertThat(overlap.isEmpty())
                            .as("copy %d of %d in scene %d", n, scene.count(), i)
                            .isTrue();
                    all.add(copy);
                }
            }
        }
    }

    @Test
    void renderSizesDrawLargerOrSmallerAndResizeToTheImageSize() {
        Dataset small = open("render_sizes", List.of(16));
        Dataset large = open("render_sizes", List.of(256));
        Dataset plain = open();
        int softer = 0;
        for (int i = 0; i < 60; i++) {
            Image s = small.split("train").get(i).image();
            Image l = large.split("train").get(i).image();
            Image p = plain.split("train").get(i).image();
            assertThat(s.width()).isEqualTo(64);
            assertThat(l.width()).isEqualTo(64);
            assertThat(s).isNotEqualTo(p);
            assertThat(l).isNotEqualTo(p);
            String colour = plain.split("train").get(i).attributes().get("colour");
            assertThat(namedHue(s)).isEqualTo(colour);
            assertThat(namedHue(l)).isEqualTo(colour);
            // drawn at 16 and blown up: wide soft edges, more in-between pixels than the plain drawing
            softer += inBetween(s) > inBetween(p) ? 1 : 0;
        }
        assertThat(softer).isGreaterThanOrEqualTo(55);
        // with several sizes, each image picks one
        Dataset both = open("render_sizes", List.of(16, 64));
        long plainOnes = IntStream.range(0, 100)
                .filter(i -> both.split("train")
                        .get(i)
                        .image()
                        .equals(plain.split("train").get(i).image()))
                .count();
        assertThat(plainOnes).isBetween(30L, 70L);
    }

    @Test
    void rendererOptionsLeaveLabelsCaptionsAndAttributesAlone() throws Exception {
        Map<String, Object> allButTurns = new HashMap<>(ShapesRendererOptionsTest.everything(32));
        allButTurns.remove("rotation");
        allButTurns.remove("min_size");
        allButTurns.remove("max_size");
        allButTurns.remove("max_count");
        // the same texts as main's renderer drew with the defaults (ShapesDefaultBytesTest's first checksum)
        String[] sums = ShapesDefaultBytesTest.checksums(factory.open(allButTurns));
        String[] defaults = ShapesDefaultBytesTest.checksums(factory.open(Map.of()));
        assertThat(sums[1]).isEqualTo(defaults[1]);
        assertThat(sums[0]).isNotEqualTo(defaults[0]);
        // turning moves copies (to keep corners inside the frame), so only where a shape is may change
        Dataset turned = open("rotation", 90, "max_count", 3, "text_probability", 0.5);
        Dataset plain = open("max_count", 3, "text_probability", 0.5);
        int samePosition = 0;
        for (int i = 0; i < 300; i++) {
            Example a = plain.split("train").get(i);
            Example b = turned.split("train").get(i);
            Map<String, String> ta = new TreeMap<>(a.attributes());
            Map<String, String> tb = new TreeMap<>(b.attributes());
            samePosition += ta.equals(tb) ? 1 : 0;
            ta.remove("position");
            tb.remove("position");
            assertThat(tb).isEqualTo(ta);
            assertThat(b.label()).isEqualTo(a.label());
            if (a.attributes().get("position") == null) {
                assertThat(b.captions()).isEqualTo(a.captions());
            }
        }
        assertThat(samePosition).isGreaterThan(150);
    }

    @Test
    void heldOutRendererSettingIsDrawnOnlyByTestRenderer() {
        RendererOptions anything = ShapesConfig.parse(Map.of("style", "mixed", "background", "mixed"))
                .renderer();
        RendererOptions outlines = ShapesConfig.parse(Map.of("style", "outline", "background", "mixed"))
                .renderer();
        RendererOptions heldOut = RendererOptions.heldOut(32);
        int outlineNotPhoto = 0;
        int filledPhoto = 0;
        for (int i = 0; i < 4000; i++) {
            ShapeLook a = ShapeLook.draw(anything, ShapeColour.RED, 0, new SplittableRandom(i), false);
            assertThat(a.outline() && a.background() == Background.PHOTO).isFalse();
            outlineNotPhoto += a.outline() ? 1 : 0;
            filledPhoto += a.background() == Background.PHOTO ? 1 : 0;
            ShapeLook o = ShapeLook.draw(outlines, ShapeColour.RED, 0, new SplittableRandom(i), false);
            assertThat(o.outline()).isTrue();
            assertThat(o.background()).isNotEqualTo(Background.PHOTO);
            ShapeLook h = ShapeLook.draw(heldOut, ShapeColour.RED, 0, new SplittableRandom(i), true);
            assertThat(h.outline()).isTrue();
            assertThat(h.background()).isEqualTo(Background.PHOTO);
            assertThat(h.jpegQuality()).isBetween(30, 90);
            assertThat(h.renderSize()).isEqualTo(64);
        }
        // both halves of the combination are trained on, just never together
        assertThat(outlineNotPhoto).isGreaterThan(1000);
        assertThat(filledPhoto).isGreaterThan(500);
        assertThat(heldOut.isPlain(32)).isFalse();

        // seen labels only; its own images; the same whatever the training file's renderer options
        Dataset d = factory.open(Map.of("image_size", 32));
        Dataset varied = factory.open(Map.of("image_size", 32, "style", "mixed", "jpeg", 0.3, "noise", 5));
        Set<String> holdout = Set.of("green triangle", "blue star", "red cross");
        int otherHue = 0;
        for (int i = 0; i < 300; i++) {
            Example e = d.split("test-renderer").get(i);
            assertThat(e.label()).isNotIn(holdout);
            assertThat(e.image()).isNotEqualTo(d.split("test").get(i).image());
            assertThat(varied.split("test-renderer").get(i).image()).isEqualTo(e.image());
            otherHue += namedHue(e.image()).equals(e.attributes().get("colour")) ? 0 : 1;
        }
        // a JPEG of quality 30 smears a thin orange outline into a yellow halo on a pale background now and then
        // (5 of these 300): under 3%
        assertThat(otherHue).isLessThanOrEqualTo(8);
        assertThat(d.split("test-renderer").size()).isEqualTo(1000);
        assertThat(factory.open(Map.of("test_renderer_size", 0))
                        .split("test-renderer")
                        .size())
                .isZero();
    }

    // ---- pixel measures ----

    static double baseHue(ShapeColour c) {
        return ColourJitter.hsv(c.rgb())[0];
    }

    static double hueDistance(double a, double b) {
        double d = Math.abs(a - b) % 360;
        return Math.min(d, 360 - d);
    }

    static ShapeColour nearestHue(double hue) {
        ShapeColour best = null;
        for (ShapeColour c : ShapeColour.values()) {
            if (best == null || hueDistance(hue, baseHue(c)) < hueDistance(hue, baseHue(best))) {
                best = c;
            }
        }
        return best;
    }

    /**
     * @return the colour name most saturated pixels are nearest to by hue (saturation over 0.4, value over 0.25: a
     *     JPEG's half-resolution colour leaves a thin dark outline less saturated than it was drawn)
     */
    static String namedHue(Image img) {
        int[] votes = new int[ShapeColour.values().length];
        byte[] px = img.rgb();
        for (int i = 0; i < px.length; i += 3) {
            double[] hsv = ColourJitter.hsv((px[i] & 0xff) << 16 | (px[i + 1] & 0xff) << 8 | (px[i + 2] & 0xff));
            if (hsv[1] > 0.4 && hsv[2] > 0.25) {
                votes[nearestHue(hsv[0]).ordinal()]++;
            }
        }
        int best = 0;
        for (int k = 1; k < votes.length; k++) {
            best = votes[k] > votes[best] ? k : best;
        }
        return votes[best] == 0 ? "none" : ShapeColour.values()[best].word();
    }

    static int saturated(Image img) {
        byte[] px = img.rgb();
        int n = 0;
        for (int i = 0; i < px.length; i += 3) {
            double[] hsv = ColourJitter.hsv((px[i] & 0xff) << 16 | (px[i + 1] & 0xff) << 8 | (px[i + 2] & 0xff));
            n += hsv[1] > 0.45 && hsv[2] > 0.3 ? 1 : 0;
        }
        return n;
    }

    private static int dominantSaturated(Image img) {
        Map<Integer, Integer> counts = new HashMap<>();
        byte[] px = img.rgb();
        for (int i = 0; i < px.length; i += 3) {
            int rgb = (px[i] & 0xff) << 16 | (px[i + 1] & 0xff) << 8 | (px[i + 2] & 0xff);
            if (ColourJitter.hsv(rgb)[1] > 0.5) {
                counts.merge(rgb, 1, Integer::sum);
            }
        }
        return counts.entrySet().stream()
                .max(Map.Entry.comparingByValue())
                .map(Map.Entry::getKey)
                .orElse(-1);
    }

    static Set<Integer> colours(Image img) {
        Set<Integer> out = new HashSet<>();
        byte[] px = img.rgb();
        for (int i = 0; i < px.length; i += 3) {
            out.add((px[i] & 0xff) << 16 | (px[i + 1] & 0xff) << 8 | (px[i + 2] & 0xff));
        }
        return out;
    }

    private static int rgbAt(Image img, int pixel) {
        byte[] px = img.rgb();
        return (px[3 * pixel] & 0xff) << 16 | (px[3 * pixel + 1] & 0xff) << 8 | (px[3 * pixel + 2] & 0xff);
    }

    private static boolean isGrey(Image img) {
        byte[] px = img.rgb();
        return px[0] == px[1] && px[1] == px[2] && (px[0] & 0xff) >= 215;
    }

    /** @return standard deviation of the luminance, 0-255 */
    private static double luminanceSpread(Image img) {
        byte[] px = img.rgb();
        double sum = 0;
        double sq = 0;
        int n = px.length / 3;
        for (int i = 0; i < px.length; i += 3) {
            double y = 0.299 * (px[i] & 0xff) + 0.587 * (px[i + 1] & 0xff) + 0.114 * (px[i + 2] & 0xff);
            sum += y;
            sq += y * y;
        }
        double mean = sum / n;
        return Math.sqrt(Math.max(0, sq / n - mean * mean));
    }

    /** @return pixels neither white nor strongly saturated: the blend of edge and background */
    private static int inBetween(Image img) {
        byte[] px = img.rgb();
        int n = 0;
        for (int i = 0; i < px.length; i += 3) {
            int rgb = (px[i] & 0xff) << 16 | (px[i + 1] & 0xff) << 8 | (px[i + 2] & 0xff);
            double s = ColourJitter.hsv(rgb)[1];
            n += rgb != 0xFFFFFF && s < 0.6 ? 1 : 0;
        }
        return n;
    }
}
