package dev.stoa.models.glide.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoa.api.data.Image;
import dev.stoa.nn.eval.ShapeJudge;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * What a trained GLIDE draws, as a picture: one row per guidance scale, one column per prompt "a <colour> <shape>"
 * (every colour with every shape), drawn with seed 0 and written to {@code target/glide-contact-sheet.png}; the
 * judge's verdicts go to standard output. Only with {@code -Dglide.dir=<a published model folder>}:
 *
 * <pre>
 * mvn -o -B -pl bundles/models/glide verify -DskipITs -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dtest=GlideContactSheet -Dglide.dir=$PWD/bundles/models/glide/target/bench/glide-bench/models/glide-tiny/1
 * </pre>
 */
class GlideContactSheet {

    static final String[] COLOURS = {"red", "green", "blue", "yellow", "purple", "orange"};
    static final String[] SHAPES = {"circle", "square", "triangle", "star", "cross"};

    @Test
    @EnabledIfSystemProperty(named = "glide.dir", matches = ".+")
    void drawsEveryPromptAtEachGuidanceScale() throws Exception {
        Path dir = Path.of(System.getProperty("glide.dir"));
        float[] scales = {0f, 1f, 3f, 6f};
        int cell = 48;
        List<String> prompts = new ArrayList<>();
        for (String s : SHAPES) {
            for (String c : COLOURS) {
                prompts.add("a " + c + " " + s);
            }
        }
        BufferedImage sheet =
                new BufferedImage(cell * prompts.size() / 2, cell * scales.length * 2, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = sheet.createGraphics();
        try (GlideDrawService service = GlideModels.open("glide-sheet", dir, "PyTorch")) {
            for (int row = 0; row < scales.length; row++) {
                int right = 0;
                for (int i = 0; i < prompts.size(); i++) {
                    Map<String, Object> r = new HashMap<>();
                    r.put("text", prompts.get(i));
                    r.put("n", 1);
                    r.put("seed", i);
                    r.put("guidance_scale", scales[row]);
                    r.put("steps", Integer.getInteger("glide.steps", 50));
                    r.put("size", cell);
                    @SuppressWarnings("unchecked")
                    Map<String, Object> image =
                            ((List<Map<String, Object>>) service.call(r).get("images")).get(0);
                    Image drawn = Image.decode(Base64.getDecoder().decode((String) image.get("image")));
                    ShapeJudge.Verdict v = ShapeJudge.judge(drawn);
                    right += prompts.get(i).equals("a " + v.colour() + " " + v.shape()) ? 1 : 0;
                    int x = (i % (prompts.size() / 2)) * cell;
                    int y = (2 * row + i / (prompts.size() / 2)) * cell;
                    g.drawImage(drawn.toBufferedImage(), x, y, null);
                }
                System.out.printf("glide-sheet scale %.0f: %d of %d drawn right%n", scales[row], right, prompts.size());
            }
        }
        g.dispose();
        Path out = Path.of("target", "glide-contact-sheet.png");
        javax.imageio.ImageIO.write(sheet, "png", out.toFile());
        assertThat(Files.size(out)).isPositive();
    }
}
