package dev.stoa.datasets.internal;

import dev.stoa.api.dataset.Dataset;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/**
 * The contact sheet in the datasets README: one row per renderer variation (the first examples of {@code train}
 * with that option alone), then every variation at once, then the held-out renderer setting ({@code test-renderer}).
 *
 * <p>Run from the repository root, after {@code mvn -o -q -pl bundles/datasets -am verify -DskipTests}:
 * {@code java -Djava.awt.headless=true -cp bundles/datasets/target/classes:bundles/datasets/target/test-classes:platform/api/target/classes
 * dev.stoa.datasets.internal.ShapesContactSheet bundles/datasets/contact-sheet.png}
 */
public final class ShapesContactSheet {

    /** Image side of every example on the sheet. */
    static final int SIDE = 40;
    /** Examples per row. */
    static final int COLUMNS = 7;
    /** Width of the captions' column. */
    static final int LABEL_WIDTH = 186;

    private ShapesContactSheet() {}

    /** @return the rows: caption, options (image_size added), split */
    static List<Row> rows() {
        List<Row> rows = new ArrayList<>();
        rows.add(new Row("defaults", Map.of(), "train"));
        rows.add(new Row("style: outline", Map.of("style", "outline"), "train"));
        rows.add(new Row("rotation: 45", Map.of("rotation", 45), "train"));
        rows.add(new Row("min_size 0.1, max_size 1.0", Map.of("min_size", 0.1, "max_size", 1.0), "train"));
        rows.add(new Row("antialias: off", Map.of("antialias", "off"), "train"));
        rows.add(new Row("colour_jitter: 1", Map.of("colour_jitter", 1.0), "train"));
        rows.add(new Row("background: noise", Map.of("background", "noise"), "train"));
        rows.add(new Row("background: texture", Map.of("background", "texture"), "train"));
        rows.add(new Row("background: photo", Map.of("background", "photo"), "train"));
        rows.add(new Row("noise: 16", Map.of("noise", 16), "train"));
        rows.add(new Row("blur: 3", Map.of("blur", 3), "train"));
        rows.add(new Row("jpeg: 1 (quality 30-90)", Map.of("jpeg", 1.0), "train"));
        rows.add(new Row("render_sizes: [12]", Map.of("render_sizes", List.of(12)), "train"));
        Map<String, Object> all = new LinkedHashMap<>(ShapesRendererOptionsTest.everything(SIDE));
        rows.add(new Row("all of them, mixed", all, "train"));
        rows.add(new Row("test-renderer (held out)", Map.of(), "test-renderer"));
        return rows;
    }

    /**
     * @param caption what the row shows
     * @param options the dataset's options, image size aside
     * @param split the split read
     */
    record Row(String caption, Map<String, Object> options, String split) {}

    /** @return the sheet: a caption column, then {@link #COLUMNS} examples a row */
    static BufferedImage draw() {
        List<Row> rows = rows();
        BufferedImage sheet =
                new BufferedImage(LABEL_WIDTH + COLUMNS * SIDE, rows.size() * SIDE, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = sheet.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, sheet.getWidth(), sheet.getHeight());
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        ShapesDatasetFactory factory = new ShapesDatasetFactory();
        for (int r = 0; r < rows.size(); r++) {
            Row row = rows.get(r);
            Map<String, Object> options = new LinkedHashMap<>(row.options());
            options.put("image_size", SIDE);
            Dataset d = factory.open(options);
            g.setColor(Color.BLACK);
            g.drawString(row.caption(), 6, r * SIDE + SIDE / 2 + 5);
            for (int c = 0; c < COLUMNS; c++) {
                g.drawImage(
                        d.split(row.split()).get(c).image().toBufferedImage(), LABEL_WIDTH + c * SIDE, r * SIDE, null);
            }
            g.setColor(new Color(0xDDDDDD));
            g.drawLine(0, r * SIDE, LABEL_WIDTH, r * SIDE);
        }
        g.dispose();
        return sheet;
    }

    /**
     * @param args the PNG file to write
     * @throws IOException if it cannot be written
     */
    public static void main(String[] args) throws IOException {
        Path out = Path.of(args.length > 0 ? args[0] : "target/contact-sheet.png");
        if (out.getParent() != null) {
            Files.createDirectories(out.getParent());
        }
        write(draw(), out);
        System.out.println(out + ": " + Files.size(out) + " bytes");
    }

    /** Writes a PNG with the strongest deflate the JDK's writer has: the sheet is kept in git, small. */
    static void write(BufferedImage image, Path out) throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("png").next();
        // an image output stream on a longer existing file would leave its tail
        Files.deleteIfExists(out);
        try (ImageOutputStream stream = ImageIO.createImageOutputStream(out.toFile())) {
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(0f);
            writer.setOutput(stream);
            writer.write(null, new IIOImage(image, null, null), param);
        } finally {
            writer.dispose();
        }
    }
}
