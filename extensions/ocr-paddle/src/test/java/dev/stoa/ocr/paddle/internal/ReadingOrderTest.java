package dev.stoa.ocr.paddle.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ReadingOrderTest {

    @Test
    void topToBottomThenLeftToRightWithinTenPixels() {
        TextBox title = new TextBox(50, 5, 300, 30, 1);
        TextBox right = new TextBox(400, 60, 100, 30, 1); // 8 px higher than 'left', so sorted first by y
        TextBox left = new TextBox(10, 68, 100, 30, 1);
        TextBox footer = new TextBox(10, 200, 100, 30, 1);
        assertThat(ReadingOrder.sort(List.of(footer, right, title, left))).containsExactly(title, left, right, footer);
    }

    @Test
    void tenPixelsApartAreTwoRows() {
        TextBox upper = new TextBox(400, 60, 100, 30, 1);
        TextBox lower = new TextBox(10, 70, 100, 30, 1);
        assertThat(ReadingOrder.sort(List.of(lower, upper))).containsExactly(upper, lower);
    }
}
