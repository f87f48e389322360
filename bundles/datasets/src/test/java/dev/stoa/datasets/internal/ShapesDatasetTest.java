package dev.stoa.datasets.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import dev.stoa.api.data.Image;
import dev.stoa.api.dataset.Dataset;
import dev.stoa.api.dataset.Example;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class ShapesDatasetTest {

    private final ShapesDatasetFactory factory = new ShapesDatasetFactory();

    @Test
    void sameOptionsGiveIdenticalPixelsAndOtherSeedsDiffer() {
        Map<String, Object> options =
                Map.of("seed", 7, "image_size", 48, "background", "noise", "max_count", 3, "text_probability", 0.5);
        Dataset a = factory.open(options);
        Dataset b = factory.open(options);
        Dataset c = factory.open(
                Map.of("seed", 8, "image_size", 48, "background", "noise", "max_count", 3, "text_probability", 0.5));
        int differing = 0;
        for (int i = 0; i < 50; i++) {
            Example x = a.split("train").get(i);
            Example y = b.split("train").get(i);
            assertThat(x.image().rgb()).isEqualTo(y.image().rgb());
            assertThat(x.captions()).isEqualTo(y.captions());
            assertThat(x.attributes()).isEqualTo(y.attributes());
            if (!x.image().equals(c.split("train").get(i).image())) {
                differing++;
            }
        }
        assertThat(differing).isEqualTo(50);
    }

    @Test
    void readsInAnyOrderAndFromManyThreadsGiveTheSameExamples() {
        Dataset d = factory.open(Map.of("max_count", 4, "background", "noise"));
        Dataset.Split train = d.split("train");
        List<Image> sequential =
                IntStream.range(0, 200).mapToObj(i -> train.get(i).image()).toList();
        List<Image> parallel = IntStream.range(0, 200)
                .parallel()
                .map(i -> 199 - i)
                .mapToObj(i -> Map.entry(i, train.get(i).image()))
                .sorted(Map.Entry.comparingByKey())
                .map(Map.Entry::getValue)
                .toList();
        assertThat(parallel).isEqualTo(sequential);
    }

    @Test
    void testSplitDiffersFromTrainAtTheSameIndexes() {
        Dataset d = factory.open(Map.of());
        int same = 0;
        for (int i = 0; i < 100; i++) {
            if (d.split("train").get(i).image().equals(d.split("test").get(i).image())) {
                same++;
            }
        }
        assertThat(same).isZero();
    }

    @Test
    void heldOutCombinationsNeverAppearInTrainAndOnlyTheyInTestUnseen() {
        Dataset d = factory.open(Map.of("image_size", 8, "holdout", List.of("green triangle", "Blue  Star")));
        Set<String> trainLabels = new HashSet<>();
        Dataset.Split train = d.split("train");
        for (int i = 0; i < 20_000; i++) {
            trainLabels.add(train.get(i).label());
        }
        assertThat(trainLabels).hasSize(28).doesNotContain("green triangle", "blue star");
        Set<String> unseen = new HashSet<>();
        Dataset.Split split = d.split("test-unseen");
        for (int i = 0; i < split.size(); i++) {
            unseen.add(split.get(i).label());
        }
        assertThat(unseen).containsExactlyInAnyOrder("green triangle", "blue star");
        for (String seenSplit : List.of("val", "test", "gallery")) {
            for (int i = 0; i < d.split(seenSplit).size(); i++) {
                assertThat(d.split(seenSplit).get(i).label()).isNotIn("green triangle", "blue star");
            }
        }
    }

    @Test
    void labelsAreThirtyColourShapePairsInAFixedOrder() {
        List<String> labels = factory.open(Map.of()).labels();
        assertThat(labels)
                .hasSize(30)
                .doesNotHaveDuplicates()
                .startsWith("red circle", "red square")
                .contains("orange cross", "purple star", "yellow triangle");
        assertThat(factory.open(Map.of("seed", 3)).labels()).isEqualTo(labels);
        assertThat(factory.open(Map.of()).promptTemplates()).isNotEmpty().allMatch(t -> t.contains("{}"));
    }

    @Test
    void pixelsOfTheShapeHaveTheNamedColour() {
        Dataset d = factory.open(Map.of("background", "noise", "max_count", 3, "text_probability", 0.3));
        for (int i = 0; i < 300; i++) {
            Example e = d.split("train").get(i);
            ShapeColour named = ShapeColour.valueOf(e.attributes().get("colour").toUpperCase());
            int exact = pixelsNear(e.image(), named.rgb(), 12);
            assertThat(exact).as("pixels of %s in %s", named, e.id()).isGreaterThanOrEqualTo(4);
            for (ShapeColour other : ShapeColour.values()) {
                if (other != named) {
                    assertThat(pixelsNear(e.image(), other.rgb(), 12))
                            .as("pixels of %s in %s (%s)", other, e.id(), e.caption())
                            .isLessThan(exact);
                }
            }
        }
    }

    @Test
    void captionsNameColourAndShapeAndTheCountMatches() {
        Dataset d = factory.open(Map.of("max_count", 4, "text_probability", 0.5));
        Set<String> firstCaptions = new HashSet<>();
        boolean sawText = false;
        for (int i = 0; i < 400; i++) {
            Example e = d.split("train").get(i);
            Map<String, String> a = e.attributes();
            int count = Integer.parseInt(a.get("count"));
            String shape = a.get("shape");
            ShapeKind kind = ShapeKind.valueOf(shape.toUpperCase());
            assertThat(e.label()).isEqualTo(a.get("colour") + " " + shape);
            assertThat(a.get("size")).isIn("small", "large");
            firstCaptions.add(e.caption()
                    .replace(a.get("colour"), "C")
                    .replace(kind.plural(), "S")
                    .replace(shape, "S"));
            for (String caption : e.captions()) {
                assertThat(caption).contains(a.get("colour"));
                assertThat(caption).contains(count == 1 ? shape : kind.plural());
                List<String> words =
                        List.of(caption.replaceAll("[^a-zA-Z ]", "").split(" "));
                for (int n = 2; n < ShapeCaptions.NUMBERS.size(); n++) {
                    assertThat(words.contains(ShapeCaptions.NUMBERS.get(n)))
                            .as(caption)
                            .isEqualTo(n == count);
                }
            }
            if (count == 1) {
                assertThat(a.get("position")).isIn("left", "right", "top", "bottom", "center");
            }
            if (a.containsKey("text")) {
                sawText = true;
                assertThat(ShapeScene.WORDS).contains(a.get("text"));
                assertThat(e.captions()).anyMatch(c -> c.contains(a.get("text")));
            } else {
                assertThat(e.captions()).noneMatch(c -> c.contains("word") || c.contains("text"));
            }
        }
        assertThat(sawText).isTrue();
        // several templates lead, chosen per index
        assertThat(firstCaptions.size()).isGreaterThanOrEqualTo(8);
    }

    @Test
    void aDrawnWordDarkensPixelsTheShapeAloneWouldNot() {
        Dataset with = factory.open(Map.of("image_size", 64, "text_probability", 1.0));
        Dataset without = factory.open(Map.of("image_size", 64, "text_probability", 0.0));
        Example e = with.split("train").get(3);
        Example plain = without.split("train").get(3);
        assertThat(e.attributes()).containsKey("text");
        // the same scene draws the same shape: the text draw comes after the geometry
        assertThat(e.attributes().get("colour")).isEqualTo(plain.attributes().get("colour"));
        assertThat(pixelsNear(e.image(), 0x141414, 60)).isGreaterThan(pixelsNear(plain.image(), 0x141414, 60) + 5);
    }

    @Test
    void optionErrorsNameTheOption() {
        assertBadConfig(Map.of("colour", "red"), "'colour'");
        assertBadConfig(Map.of("image_size", "big"), "'image_size'");
        assertBadConfig(Map.of("image_size", 4), "'image_size'");
        assertBadConfig(Map.of("seed", 1.5), "'seed'");
        assertBadConfig(Map.of("background", "black"), "'background'");
        assertBadConfig(Map.of("min_size", 0.8, "max_size", 0.5), "'max_size'");
        assertBadConfig(Map.of("max_count", 12), "'max_count'");
        assertBadConfig(Map.of("text_probability", 2), "'text_probability'");
        assertBadConfig(Map.of("holdout", List.of("pink circle")), "'holdout'");
        assertBadConfig(Map.of("train_size", -1), "'train_size'");
        // numbers as strings are accepted, as a YAML file may give them
        assertThat(factory.open(Map.of("image_size", "16", "train_size", "1_000"))
                        .split("train")
                        .size())
                .isEqualTo(1000);
    }

    @Test
    void unknownSplitAndIndexOutOfRangeAreClear() {
        Dataset d = factory.open(Map.of("test_size", 5));
        assertThatThrownBy(() -> d.split("validation"))
                .isInstanceOf(StoaException.class)
                .hasMessageContaining("test-unseen");
        assertThatThrownBy(() -> d.split("test").get(5)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThat(d.describe()).containsEntry("seed", 0L).containsKey("splits");
    }

    /** Not asserted beyond existence: a picture of 64 examples, for people to look at. */
    @Test
    void writesAContactSheet() throws Exception {
        Dataset d =
                factory.open(Map.of("image_size", 64, "background", "noise", "max_count", 3, "text_probability", 0.25));
        BufferedImage sheet = new BufferedImage(8 * 64, 8 * 64, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = sheet.createGraphics();
        StringBuilder captions = new StringBuilder();
        for (int i = 0; i < 64; i++) {
            Example e = d.split("train").get(i);
            g.drawImage(e.image().toBufferedImage(), (i % 8) * 64, (i / 8) * 64, null);
            captions.append(i)
                    .append('\t')
                    .append(e.caption())
                    .append('\t')
                    .append(e.attributes())
                    .append('\n');
        }
        g.dispose();
        Path png = Path.of("target", "shapes-contact-sheet.png");
        Files.createDirectories(png.getParent());
        ImageIO.write(sheet, "png", png.toFile());
        Files.writeString(png.resolveSibling("shapes-contact-sheet.txt"), captions);
        assertThat(png).exists();
    }

    static void assertBadConfigOf(Runnable open, String named) {
        assertThatThrownBy(open::run)
                .isInstanceOf(StoaException.class)
                .satisfies(e -> assertThat(((StoaException) e).code()).isEqualTo(FailureCode.BAD_CONFIG))
                .hasMessageContaining(named);
    }

    private void assertBadConfig(Map<String, Object> options, String named) {
        assertBadConfigOf(() -> factory.open(options), named);
    }

    static int pixelsNear(Image image, int rgb, int tolerance) {
        byte[] px = image.rgb();
        int n = 0;
        for (int i = 0; i < px.length; i += 3) {
            if (Math.abs((px[i] & 0xff) - (rgb >> 16 & 0xff)) <= tolerance
                    && Math.abs((px[i + 1] & 0xff) - (rgb >> 8 & 0xff)) <= tolerance
                    && Math.abs((px[i + 2] & 0xff) - (rgb & 0xff)) <= tolerance) {
                n++;
            }
        }
        return n;
    }
}
