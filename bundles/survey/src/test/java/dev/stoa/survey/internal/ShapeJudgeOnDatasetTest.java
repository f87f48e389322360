package dev.stoa.survey.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoa.api.dataset.Dataset;
import dev.stoa.api.dataset.Example;
import dev.stoa.datasets.internal.ShapesDatasetFactory;
import dev.stoa.nn.eval.ShapeJudge;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The pixel judge of drawn images ({@link ShapeJudge}) on the shapes dataset's own held-out images, the ones the
 * generators learn to draw: it must read their colour and shape right in at least 95% (issue 17's bar for a judge
 * whose verdicts on drawn images are to be believed). Measured on the first 400 test images (seed 0): 100% for one
 * shape without words at 32, 64 and 96 px; at 16 px with the shape 50-80% of the side (GLIDE's pictures,
 * which the judge enlarges to 32 px) it passes the same bar; 96.5% for up to three copies with words at 96 px. Small copies with
 * words drawn over them are where it fails: 95.0% for up to three copies at 32 px, 90.5% with words too, so those
 * two are not asserted.
 */
class ShapeJudgeOnDatasetTest {

    private static final ShapesDatasetFactory SHAPES = new ShapesDatasetFactory();

    @ParameterizedTest(name = "{0} px, up to {1} copies, words {2}, {3} background")
    @CsvSource({
        "16, 1, 0, white, 0.5",
        "32, 1, 0, noise, 0",
        "64, 1, 0, white, 0",
        "96, 1, 0, noise, 0",
        "96, 3, 0.5, noise, 0"
    })
    void readsTheDatasetsImages(int size, int maxCount, double words, String background, double minSize)
            throws Exception {
        Map<String, Object> options = new LinkedHashMap<>();
        if (minSize > 0) {
            // GLIDE's pictures: one shape of 50-80% of the side
            options.put("min_size", minSize);
            options.put("max_size", 0.8);
        }
        options.put("seed", 0);
        options.put("image_size", size);
        options.put("max_count", maxCount);
        options.put("text_probability", words);
        options.put("background", background);
        int n = 400;
        int right = 0;
        StringBuilder wrong = new StringBuilder();
        try (Dataset d = SHAPES.open(options)) {
            Dataset.Split test = d.split("test");
            for (int i = 0; i < n; i++) {
                Example e = test.get(i);
                String[] label = e.label().split(" ");
                ShapeJudge.Verdict v = ShapeJudge.judge(e.image());
                if (v.says(label[0], label[1])) {
                    right++;
                } else if (wrong.length() < 1500) {
                    wrong.append(e.label()).append(" -> ").append(v).append('\n');
                }
            }
        }
        assertThat((double) right / n).as("right of %d; wrong:%n%s", n, wrong).isGreaterThanOrEqualTo(0.95);
    }
}
