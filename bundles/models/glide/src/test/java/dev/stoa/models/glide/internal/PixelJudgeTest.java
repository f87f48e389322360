package dev.stoa.models.glide.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoa.api.dataset.Dataset;
import dev.stoa.api.dataset.Example;
import dev.stoa.nn.train.TrainingExamples;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The non-learning judge on real pictures of the data GLIDE trains on (held-out split test): it must be right. */
class PixelJudgeTest {

    @Test
    void namesTheColourAndTheShapeOfRealPictures() {
        Dataset data = GlideTestSupport.shapes();
        int right = 0;
        int colours = 0;
        int n = 0;
        Map<String, double[]> stats = new TreeMap<>();
        for (Example e : TrainingExamples.first(data.split("test"), 300)) {
            String[] v = PixelJudge.judge(e.image());
            double[] d = PixelJudge.descriptors(e.image());
            String shape = e.attributes().get("shape");
            double[] s = stats.computeIfAbsent(shape, k -> new double[] {1, 0, 1, 0, 1, 0, 0});
            s[0] = Math.min(s[0], d[1]);
            s[1] = Math.max(s[1], d[1]);
            s[2] = Math.min(s[2], d[2]);
            s[3] = Math.max(s[3], d[2]);
            s[4] = Math.min(s[4], d[4]);
            s[5] = Math.max(s[5], d[4]);
            s[6] += shape.equals(v[1]) ? 1 : 0;
            boolean c = e.attributes().get("colour").equals(v[0]);
            colours += c ? 1 : 0;
            right += c && shape.equals(v[1]) ? 1 : 0;
            n++;
        }
        stats.forEach((k, s) -> System.out.printf(
                Locale.ROOT,
                "judge %s: fill %.2f-%.2f balance %.2f-%.2f bottom-centre %.2f-%.2f right %.0f%n",
                k,
                s[0],
                s[1],
                s[2],
                s[3],
                s[4],
                s[5],
                s[6]));
        System.out.printf(
                Locale.ROOT,
                "judge: colour %.3f, colour and shape %.3f of %d%n",
                colours / (double) n,
                right / (double) n,
                n);
        assertThat(colours / (double) n).isGreaterThan(0.97);
        assertThat(right / (double) n).isGreaterThan(0.95);
    }
}
