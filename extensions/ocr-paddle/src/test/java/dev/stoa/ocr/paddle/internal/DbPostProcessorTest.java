package dev.stoa.ocr.paddle.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Comparator;
import java.util.List;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class DbPostProcessorTest {

    private static final int W = 100;
    private static final int H = 40;

    private static void fill(float[] map, int x0, int y0, int w, int h, float p) {
        for (int y = y0; y < y0 + h; y++) {
            for (int x = x0; x < x0 + w; x++) {
                map[y * W + x] = p;
            }
        }
    }

    @Test
    void regionIsGrownByAreaTimesRatioOverPerimeter() {
        float[] map = new float[W * H];
        fill(map, 20, 10, 40, 10, 0.9f);
        // d = 40 * 10 * 1.5 / (2 * (40 + 10)) = 6 pixels on every side
        assertThat(new DbPostProcessor().boxes(map, W, H)).singleElement().satisfies(box -> {
            assertThat(List.of(box.x(), box.y(), box.width(), box.height())).containsExactly(14, 4, 52, 22);
            assertThat(box.score()).isCloseTo(0.9, Offset.offset(1e-6));
        });
    }

    @Test
    void unsureThinAndSeparateRegions() {
        float[] map = new float[W * H];
        fill(map, 5, 5, 30, 8, 0.5f); // over the 0.3 threshold, but a box score under 0.6: dropped
        fill(map, 5, 30, 30, 2, 1.0f); // sure, but 2 pixels high, under min_size 3: dropped
        fill(map, 40, 25, 10, 6, 0.8f); // kept: d = 60 * 1.5 / 32 = 2.8125
        fill(map, 80, 0, 20, 5, 0.8f); // kept, at the corner: d = 100 * 1.5 / 50 = 3, clipped to the map
        List<TextBox> boxes = new DbPostProcessor()
                .boxes(map, W, H).stream()
                        .sorted(Comparator.comparingInt(TextBox::x))
                        .toList();
        assertThat(boxes).hasSize(2);
        // floor(40 - 2.8125) = 37, ceil(50 + 2.8125) = 53; floor(25 - 2.8125) = 22, ceil(31 + 2.8125) = 34
        assertThat(List.of(
                        boxes.get(0).x(),
                        boxes.get(0).y(),
                        boxes.get(0).width(),
                        boxes.get(0).height()))
                .containsExactly(37, 22, 16, 12);
        // x: 77 .. 103 cut at 100; y: -3 .. 8 cut at 0
        assertThat(List.of(
                        boxes.get(1).x(),
                        boxes.get(1).y(),
                        boxes.get(1).width(),
                        boxes.get(1).height()))
                .containsExactly(77, 0, 23, 8);
    }

    @Test
    void diagonalNeighboursAreOneRegion() {
        float[] map = new float[W * H];
        fill(map, 10, 10, 5, 5, 1f);
        fill(map, 15, 15, 5, 5, 1f);
        // one 10x10 bounding box, half of it empty: mean 0.5 under 0.6, so the joined region is dropped whole
        assertThat(new DbPostProcessor().boxes(map, W, H)).isEmpty();
        fill(map, 15, 10, 5, 5, 1f);
        assertThat(new DbPostProcessor().boxes(map, W, H)).hasSize(1);
    }

    @Test
    void emptyMapHasNoBoxes() {
        assertThat(new DbPostProcessor().boxes(new float[W * H], W, H)).isEmpty();
    }
}
