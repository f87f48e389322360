package dev.stoa.nn.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.stoa.api.data.Image;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The fractions over images drawn here with Java2D: a red disc, a blue square, a blank picture. */
class DrawnScoresTest {

    private static Image disc(Color colour) {
        return draw(colour, true);
    }

    private static Image square(Color colour) {
        return draw(colour, false);
    }

    private static Image blank() {
        return draw(null, false);
    }

    private static Image draw(Color colour, boolean round) {
        BufferedImage b = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = b.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, 32, 32);
        if (colour != null) {
            g.setColor(colour);
            if (round) {
                g.fillOval(6, 6, 20, 20);
            } else {
                g.fillRect(7, 7, 18, 18);
            }
        }
        g.dispose();
        return Image.fromBufferedImage(b);
    }

    private static final Color RED = new Color(220, 30, 30);
    private static final Color BLUE = new Color(40, 80, 230);

    @Test
    void promptedCountsColourShapeAndBoth() {
        Map<String, Double> s = DrawnScores.prompted(
                List.of("red", "red", "blue", "green"),
                List.of("circle", "square", "square", "circle"),
                List.of(disc(RED), disc(RED), square(BLUE), blank()),
                "/test");
        // right: red circle (both), red square drawn round (colour only), blue square (both); the blank one nothing
        assertThat(s.get("drawn_colour_shape_accuracy/test")).isCloseTo(0.5, within(1e-9));
        assertThat(s.get("drawn_colour_accuracy/test")).isCloseTo(0.75, within(1e-9));
        assertThat(s.get("drawn_shape_accuracy/test")).isCloseTo(0.5, within(1e-9));
    }

    @Test
    void variationsCompareTheJudgedSourceWithTheJudgedVariation() {
        Map<String, Double> s = DrawnScores.variations(
                List.of(disc(RED), disc(RED), square(BLUE), blank()),
                List.of(disc(RED), square(RED), square(RED), disc(RED)),
                "/test");
        assertThat(s.get("variation_colour_shape_kept/test")).isCloseTo(0.25, within(1e-9));
        assertThat(s.get("variation_colour_kept/test")).isCloseTo(0.5, within(1e-9));
        assertThat(s.get("variation_shape_kept/test")).isCloseTo(0.5, within(1e-9));
        // the blank source says nothing, so its variation cannot keep anything
        assertThat(s.get("variation_source_judged/test")).isCloseTo(0.75, within(1e-9));
    }

    @Test
    void oneExpectationPerImage() {
        assertThatThrownBy(() -> DrawnScores.prompted(List.of("red"), List.of("circle"), List.of(), ""))
                .hasMessageContaining("one expectation per image");
    }
}
