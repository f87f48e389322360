package dev.stoa.datasets.internal;

import dev.stoa.api.data.Image;
import dev.stoa.api.dataset.Example;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The {@code shapes-clips} contact sheet of the README ({@code clips-contact-sheet.png}): the first {@link #CLIPS}
 * {@code train} clips of seed 0, one row each, frames drawn at twice their 32 px with a grey line between frames
 * (the line is the sheet's, not the dataset's). Regenerate from {@code bundles/datasets} with
 * {@code mvn -o -q test-compile && java -cp target/classes:target/test-classes:$(cat cp.txt)
 * dev.stoa.datasets.internal.ShapeClipsContactSheet clips-contact-sheet.png}, or copy the
 * {@code target/clips-contact-sheet.png} that {@code ShapeClipsContactSheetTest} writes.
 */
final class ShapeClipsContactSheet {

    static final int CLIPS = 6;
    static final int SCALE = 2;
    static final int SIDE = 32;
    static final int FRAMES = 4;
    static final int GAP = 2;

    private ShapeClipsContactSheet() {}

    /** @return the sheet's examples, in row order */
    static List<Example> clips() {
        try (ShapeClipsDataset d = new ShapeClipsDataset(Map.of("seed", 0))) {
            List<Example> out = new ArrayList<>();
            for (int i = 0; i < CLIPS; i++) {
                out.add(d.split("train").get(i));
            }
            return out;
        }
    }

    static BufferedImage draw() {
        int cell = SIDE * SCALE;
        BufferedImage sheet = new BufferedImage(
                FRAMES * cell + (FRAMES - 1) * GAP, CLIPS * cell + (CLIPS - 1) * GAP, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < sheet.getHeight(); y++) {
            for (int x = 0; x < sheet.getWidth(); x++) {
                sheet.setRGB(x, y, 0x888888);
            }
        }
        List<Example> clips = clips();
        for (int row = 0; row < clips.size(); row++) {
            Image strip = clips.get(row).image();
            byte[] rgb = strip.rgb();
            for (int k = 0; k < FRAMES; k++) {
                for (int y = 0; y < cell; y++) {
                    for (int x = 0; x < cell; x++) {
                        int i = 3 * ((y / SCALE) * strip.width() + k * SIDE + x / SCALE);
                        int p = (rgb[i] & 0xff) << 16 | (rgb[i + 1] & 0xff) << 8 | (rgb[i + 2] & 0xff);
                        sheet.setRGB(k * (cell + GAP) + x, row * (cell + GAP) + y, p);
                    }
                }
            }
        }
        return sheet;
    }

    /** @return the transcripts of the sheet's rows, for the README */
    static List<String> transcripts() {
        return clips().stream().map(e -> String.join(" / ", e.captions())).toList();
    }

    /**
     * @param args the PNG file to write
     */
    public static void main(String[] args) throws IOException {
        Path out = Path.of(args.length > 0 ? args[0] : "clips-contact-sheet.png");
        ShapesContactSheet.write(draw(), out);
        transcripts().forEach(System.out::println);
    }
}
