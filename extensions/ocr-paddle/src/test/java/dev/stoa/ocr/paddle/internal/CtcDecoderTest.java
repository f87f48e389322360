package dev.stoa.ocr.paddle.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CtcDecoderTest {

    /** Classes: 0 blank, 1 'a', 2 'b', 3 'c', 4 space. */
    private static final CtcDecoder DECODER = new CtcDecoder(List.of("a", "b", "c"));

    /** One step per entry: the winning class gets p, the rest share 1 - p. */
    private static float[] steps(int[] classes, float[] p) {
        float[] out = new float[classes.length * 5];
        for (int t = 0; t < classes.length; t++) {
            for (int c = 0; c < 5; c++) {
                out[t * 5 + c] = c == classes[t] ? p[t] : (1 - p[t]) / 4;
            }
        }
        return out;
    }

    @Test
    void mergesRepeatsDropsBlanksAndAddsTheSpace() {
        int[] best = {1, 1, 0, 1, 2, 2, 4, 3, 0};
        float[] p = {0.9f, 0.8f, 0.99f, 0.7f, 0.6f, 0.95f, 0.5f, 1.0f, 0.99f};
        CtcDecoder.Decoded decoded = DECODER.decode(steps(best, p), best.length);
        // "a" (step 0), blank, "a" (step 3), "b" (step 4), " " (step 6), "c" (step 7)
        assertThat(decoded.text()).isEqualTo("aab c");
        assertThat(decoded.confidence()).isCloseTo((0.9 + 0.7 + 0.6 + 0.5 + 1.0) / 5, within(1e-6));
    }

    @Test
    void allBlankIsEmptyWithZeroConfidence() {
        CtcDecoder.Decoded decoded = DECODER.decode(steps(new int[] {0, 0, 0}, new float[] {0.9f, 0.9f, 0.9f}), 3);
        assertThat(decoded.text()).isEmpty();
        assertThat(decoded.confidence()).isZero();
    }

    @Test
    void characterListFileGivesBlankPlusLinesPlusSpace(@TempDir Path dir) throws Exception {
        Path keys = Files.writeString(dir.resolve("keys.txt"), "x\r\ny\n'\n");
        CtcDecoder decoder = CtcDecoder.fromFile(keys);
        assertThat(decoder.classes()).isEqualTo(5);
        float[] probabilities = new float[3 * 5];
        probabilities[3] = 1; // step 0: class 3, the apostrophe
        probabilities[5 + 1] = 1; // step 1: class 1, "x" (its \r stripped)
        probabilities[10 + 4] = 1; // step 2: class 4, the space
        assertThat(decoder.decode(probabilities, 3).text()).isEqualTo("'x ");
    }
}
