package dev.stoa.datasets.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * The README's clips contact sheet: drawn here into {@code target/clips-contact-sheet.png} with its transcripts in
 * {@code target/clips-contact-sheet.txt}; the committed one is checked to be exactly what the code draws, and small.
 */
class ShapeClipsContactSheetTest {

    private static final Path COMMITTED = Path.of("clips-contact-sheet.png");

    @Test
    void theCommittedSheetIsTheOneTheCodeDraws() throws Exception {
        BufferedImage sheet = ShapeClipsContactSheet.draw();
        Path out = Path.of("target", "clips-contact-sheet.png");
        Files.createDirectories(out.getParent());
        ShapesContactSheet.write(sheet, out);
        Files.write(Path.of("target", "clips-contact-sheet.txt"), ShapeClipsContactSheet.transcripts());
        BufferedImage committed = ImageIO.read(COMMITTED.toFile());
        assertThat(committed.getWidth()).isEqualTo(sheet.getWidth());
        assertThat(committed.getHeight()).isEqualTo(sheet.getHeight());
        int differing = 0;
        for (int y = 0; y < sheet.getHeight(); y++) {
            for (int x = 0; x < sheet.getWidth(); x++) {
                differing += (committed.getRGB(x, y) & 0xffffff) != (sheet.getRGB(x, y) & 0xffffff) ? 1 : 0;
            }
        }
        assertThat(differing).isZero();
        assertThat(Files.size(COMMITTED)).isLessThan(30_000);
    }
}
