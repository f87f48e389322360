package dev.stoa.datasets.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * How well any model could order the frames of held-out clips ({@link ClipOrderOracle}): every clip has one order that
 * obeys the rules (so the ceiling is 100%), while colours alone leave several orders for most clips (so a model that
 * learned the colour cycle but not the moves stays far below the bar).
 */
class ShapeClipsOrderOracleTest {

    @Test
    void everyHeldOutClipHasExactlyOneOrderThatObeysTheRules() {
        for (int frames : new int[] {4, 6}) {
            try (ShapeClipsDataset d = (ShapeClipsDataset)
                    new ShapeClipsDatasetFactory().open(Map.of("seed", 0, "frames", frames, "image_size", 32))) {
                int clips = frames == 4 ? 1000 : 100;
                double colourOnly = 0;
                for (int i = 0; i < clips; i++) {
                    ShapeClip clip = d.clip("test", i);
                    int[] identity = new int[frames];
                    for (int k = 0; k < frames; k++) {
                        identity[k] = k;
                    }
                    assertThat(ClipOrderOracle.obeysRules(clip, identity))
                            .as("clip %d in its own order", i)
                            .isTrue();
                    assertThat(ClipOrderOracle.consistentOrders(clip))
                            .as("orders of test clip %d (%s)", i, clip.structure())
                            .isEqualTo(1);
                    colourOnly += 1.0 / ClipOrderOracle.colourOnlyOrders(clip);
                }
                colourOnly /= clips;
                System.out.printf(
                        "shapes-clips seed 0, %d frames, %d test clips: oracle exact order 1.000, colours alone %.3f%n",
                        frames, clips, colourOnly);
                // colours alone: far above chance (1/F!) with 4 frames, yet far below the 0.8 bar; less with more
                // frames
                if (frames == 4) {
                    assertThat(colourOnly).isBetween(0.35, 0.55);
                } else {
                    assertThat(colourOnly).isLessThan(0.2);
                }
            }
        }
    }

    @Test
    void theOracleRejectsAReversedOrAMovedFrame() {
        try (ShapeClipsDataset d = (ShapeClipsDataset)
                new ShapeClipsDatasetFactory().open(Map.of("seed", 0, "frames", 4, "image_size", 32))) {
            for (int i = 0; i < 50; i++) {
                ShapeClip clip = d.clip("test", i);
                assertThat(ClipOrderOracle.obeysRules(clip, new int[] {3, 2, 1, 0}))
                        .isFalse();
                assertThat(ClipOrderOracle.obeysRules(clip, new int[] {1, 0, 2, 3}))
                        .isFalse();
            }
        }
    }
}
