package dev.stoa.datasets.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import dev.stoa.api.data.Image;
import dev.stoa.api.dataset.Dataset;
import dev.stoa.api.dataset.Example;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ShapeClipsDatasetTest {

    private static ShapeClipsDataset open(Map<String, ?> options) {
        return (ShapeClipsDataset) new ShapeClipsDatasetFactory().open(options);
    }

    @Test
    void theSameSeedDrawsTheSameClipsAndAnotherSeedOthers() {
        try (Dataset a = open(Map.of("seed", 3));
                Dataset b = open(Map.of("seed", "3"));
                Dataset c = open(Map.of("seed", 4))) {
            int differ = 0;
            for (int i = 0; i < 20; i++) {
                Example x = a.split("train").get(i);
                Example y = b.split("train").get(i);
                assertThat(y.image().rgb()).isEqualTo(x.image().rgb());
                assertThat(y.captions()).isEqualTo(x.captions());
                assertThat(y.attributes()).isEqualTo(x.attributes());
                differ += c.split("train").get(i).captions().equals(x.captions()) ? 0 : 1;
            }
            assertThat(differ).isGreaterThan(10);
        }
    }

    @Test
    void trainAndTestNeverShareAClipStructure() {
        try (ShapeClipsDataset d = open(Map.of("seed", 0, "test_size", 500))) {
            Set<String> test = new HashSet<>();
            for (int i = 0; i < 500; i++) {
                ShapeClip clip = d.clip("test", i);
                assertThat(d.heldOut(clip)).isTrue();
                test.add(clip.structure());
            }
            Set<String> train = new HashSet<>();
            for (int i = 0; i < 3000; i++) {
                train.add(d.clip("train", i).structure());
            }
            // many structures, each split with its own: none shared, and both splits varied
            assertThat(test).hasSizeGreaterThan(150);
            assertThat(train).hasSizeGreaterThan(1000);
            assertThat(train).doesNotContainAnyElementsOf(test);
            // every kind of event and direction is in both splits
            for (String word : List.of("appear", "move", "colour", "left", "right", "up", "down")) {
                assertThat(test).anyMatch(s -> s.contains(word));
                assertThat(train).anyMatch(s -> s.contains(word));
            }
        }
    }

    @Test
    void eachTranscriptSaysWhatItsFrameShows() {
        for (int frames : new int[] {4, 6, 8}) {
            try (ShapeClipsDataset d = open(Map.of("seed", 1, "frames", frames))) {
                for (String split : List.of("train", "test")) {
                    for (int i = 0; i < 60; i++) {
                        checkFrames(d.split(split).get(i), frames, 32);
                    }
                }
            }
        }
    }

    private static void checkFrames(Example e, int frames, int side) {
        Image strip = e.image();
        assertThat(strip.width()).isEqualTo(frames * side);
        assertThat(strip.height()).isEqualTo(side);
        assertThat(e.captions()).hasSize(frames);
        assertThat(e.attributes()).containsEntry("frames", Integer.toString(frames));
        String shape = e.attributes().get("shape");
        double[] previous = null;
        String previousColour = null;
        for (int k = 0; k < frames; k++) {
            String t = e.captions().get(k);
            assertThat(e.attributes()).containsEntry("transcript_" + k, t);
            FrameStats f = FrameStats.of(strip, k, side);
            if (t.equals("the scene is empty")) {
                assertThat(k).as(e.id()).isZero();
                assertThat(f.count).as(e.id() + " frame " + k).isZero();
                continue;
            }
            assertThat(f.count).as(e.id() + " frame " + k + ": " + t).isGreaterThan(8);
            String[] w = t.split(" ");
            assertThat(t).contains(shape);
            if (t.endsWith(" appears")) {
                assertThat(w[1]).isEqualTo(f.colour);
                assertThat(w[1]).isEqualTo(e.attributes().get("start_colour"));
            } else if (t.contains(" turns ")) {
                assertThat(w[3]).as(e.id() + " frame " + k).isEqualTo(f.colour);
                assertThat(f.colour).isNotEqualTo(previousColour);
                assertThat(Math.hypot(f.x - previous[0], f.y - previous[1])).isLessThan(1.0);
            } else {
                assertThat(w[2]).isEqualTo("moves");
                assertThat(f.colour).isEqualTo(previousColour);
                double dx = f.x - previous[0];
                double dy = f.y - previous[1];
                switch (w[3]) {
                    case "left" -> assertThat(dx).as(e.id()).isLessThan(-1.5);
                    case "right" -> assertThat(dx).as(e.id()).isGreaterThan(1.5);
                    case "up" -> assertThat(dy).as(e.id()).isLessThan(-1.5);
                    case "down" -> assertThat(dy).as(e.id()).isGreaterThan(1.5);
                    default -> throw new AssertionError(t);
                }
                assertThat(w[3]).isEqualTo(e.attributes().get("direction"));
            }
            previous = new double[] {f.x, f.y};
            previousColour = f.colour;
        }
        assertThat(previousColour).isEqualTo(e.attributes().get("end_colour"));
    }

    /** The non-white pixels of one frame: how many, their centroid and the nearest named colour of their mean. */
    private record FrameStats(int count, double x, double y, String colour) {

        static FrameStats of(Image strip, int k, int side) {
            byte[] rgb = strip.rgb();
            int n = 0;
            double sx = 0;
            double sy = 0;
            long[] sum = new long[3];
            for (int y = 0; y < side; y++) {
                for (int x = 0; x < side; x++) {
                    int i = 3 * (y * strip.width() + k * side + x);
                    int r = rgb[i] & 0xff;
                    int g = rgb[i + 1] & 0xff;
                    int b = rgb[i + 2] & 0xff;
                    // saturated pixels only: antialiased edges mix with white
                    if (Math.max(r, Math.max(g, b)) - Math.min(r, Math.min(g, b)) > 120) {
                        n++;
                        sx += x;
                        sy += y;
                        sum[0] += r;
                        sum[1] += g;
                        sum[2] += b;
                    }
                }
            }
            if (n == 0) {
                return new FrameStats(0, 0, 0, null);
            }
            String best = null;
            double bestDistance = Double.MAX_VALUE;
            for (ShapeColour c : ShapeColour.values()) {
                double d = Math.pow(sum[0] / (double) n - (c.rgb() >> 16 & 0xff), 2)
                        + Math.pow(sum[1] / (double) n - (c.rgb() >> 8 & 0xff), 2)
                        + Math.pow(sum[2] / (double) n - (c.rgb() & 0xff), 2);
                if (d < bestDistance) {
                    bestDistance = d;
                    best = c.word();
                }
            }
            return new FrameStats(n, sx / n, sy / n, best);
        }
    }

    @Test
    void coloursGoForwardOnTheCycleAndAnEmptyFrameIsAlwaysFirst() {
        try (ShapeClipsDataset d = open(Map.of("seed", 2, "frames", 8))) {
            int appears = 0;
            for (int i = 0; i < 300; i++) {
                ShapeClip clip = d.clip("train", i);
                int changes = 0;
                for (int k = 1; k < clip.frames(); k++) {
                    int before = ShapeClip.CYCLE.indexOf(clip.colours().get(k - 1));
                    int now = ShapeClip.CYCLE.indexOf(clip.colours().get(k));
                    assertThat(now == before || now == (before + 1) % 6).isTrue();
                    changes += now == before ? 0 : 1;
                    assertThat(clip.centres().get(k)).isNotNull();
                }
                assertThat(changes).isBetween(1, 2);
                appears += clip.appears() ? 1 : 0;
            }
            assertThat(appears).isBetween(40, 120);
        }
    }

    @Test
    void badOptionsAreNamed() {
        assertThatThrownBy(() -> open(Map.of("frames", 3)))
                .isInstanceOfSatisfying(
                        StoaException.class, e -> assertThat(e.code()).isEqualTo(FailureCode.BAD_CONFIG))
                .hasMessageContaining("'frames'")
                .hasMessageContaining("4 to 8");
        assertThatThrownBy(() -> open(Map.of("frames", 9))).hasMessageContaining("'frames'");
        assertThatThrownBy(() -> open(Map.of("colour", 9))).hasMessageContaining("'colour'");
        try (Dataset d = open(Map.of())) {
            assertThatThrownBy(() -> d.split("val")).hasMessageContaining("train");
            assertThat(d.split("test").size()).isEqualTo(1000);
        }
    }
}
