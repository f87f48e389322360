package dev.stoa.datasets.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * The README's contact sheet: drawn here into {@code target/contact-sheet.png}; the committed one is checked to have
 * the layout the code draws (regenerate it with {@link ShapesContactSheet#main} when a row changes) and to stay small.
 */
class ShapesContactSheetTest {

    private static final Path COMMITTED = Path.of("contact-sheet.png");

    @Test
    void everyRowShowsSomethingTheDefaultsDoNot() throws Exception {
        BufferedImage sheet = ShapesContactSheet.draw();
        List<ShapesContactSheet.Row> rows = ShapesContactSheet.rows();
        assertThat(sheet.getHeight()).isEqualTo(rows.size() * ShapesContactSheet.SIDE);
        for (int r = 1; r < rows.size(); r++) {
            int differing = 0;
            for (int y = 0; y < ShapesContactSheet.SIDE; y++) {
                for (int x = ShapesContactSheet.LABEL_WIDTH; x < sheet.getWidth(); x++) {
                    differing += sheet.getRGB(x, y) != sheet.getRGB(x, r * ShapesContactSheet.SIDE + y) ? 1 : 0;
                }
            }
            assertThat(differing).as(rows.get(r).caption()).isGreaterThan(50);
        }
        Path out = Path.of("target", "contact-sheet.png");
        Files.createDirectories(out.getParent());
        ShapesContactSheet.write(sheet, out);
        assertThat(Files.size(out)).isLessThan(200_000);

        BufferedImage committed = ImageIO.read(COMMITTED.toFile());
        assertThat(committed.getWidth()).isEqualTo(sheet.getWidth());
        assertThat(committed.getHeight()).isEqualTo(sheet.getHeight());
        assertThat(Files.size(COMMITTED)).isLessThan(200_000);
    }
}
