package dev.stoa.ocr.paddle.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;

class LineGrouperTest {

    @Test
    void wordsOfOneLineJoinAndColumnsAndRowsStayApart() {
        List<TextBox> boxes = List.of(
                new TextBox(10, 10, 100, 30, 0.9), // "Order"
                new TextBox(125, 12, 80, 28, 0.8), // "shipped": 15 px gap < 30 px height, overlap 28 px
                new TextBox(400, 10, 90, 30, 0.9), // another column: 195 px gap
                new TextBox(10, 60, 120, 30, 0.95)); // the next row: no vertical overlap
        List<TextBox> lines = LineGrouper.join(boxes).stream()
                .sorted(Comparator.comparingInt(TextBox::y).thenComparingInt(TextBox::x))
                .toList();
        assertThat(lines)
                .containsExactly(
                        new TextBox(10, 10, 195, 30, 0.8),
                        new TextBox(400, 10, 90, 30, 0.9),
                        new TextBox(10, 60, 120, 30, 0.95));
    }

    @Test
    void halfOverlapIsTheLimit() {
        // b overlaps a by 15 of its 30 rows: one line; by 14: two
        assertThat(LineGrouper.sameLine(new TextBox(0, 0, 50, 30, 1), new TextBox(60, 15, 50, 30, 1)))
                .isTrue();
        assertThat(LineGrouper.sameLine(new TextBox(0, 0, 50, 30, 1), new TextBox(60, 16, 50, 30, 1)))
                .isFalse();
    }
}
