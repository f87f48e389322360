package dev.stoa.ocr.paddle.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoa.api.StoaException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How large the detector sees an image: scaled down to maxSideLength, up to minSideLength, never past the first. */
class DetectorScaleTest {

    @Test
    void largeImagesAreScaledDownAndSmallOnesUpOnlyWhenAsked() {
        assertThat(PaddleOcr.detectorScale(1920, 1080, 960, 0)).isEqualTo(0.5);
        assertThat(PaddleOcr.detectorScale(1920, 1080, 960, 192)).isEqualTo(0.5);
        // a 96-pixel scene: as it is without minSideLength, twice the size with 192
        assertThat(PaddleOcr.detectorScale(96, 96, 960, 0)).isEqualTo(1.0);
        assertThat(PaddleOcr.detectorScale(96, 96, 960, 192)).isEqualTo(2.0);
        // the shorter side decides, and the longer side never passes maxSideLength
        assertThat(PaddleOcr.detectorScale(400, 40, 960, 192)).isEqualTo(960.0 / 400);
        assertThat(PaddleOcr.detectorScale(300, 100, 960, 192)).isEqualTo(1.92);
        // an image already large enough is left alone
        assertThat(PaddleOcr.detectorScale(640, 480, 960, 192)).isEqualTo(1.0);
    }

    @Test
    void aMinimumAboveTheMaximumIsRefusedNamingTheSetting(@TempDir Path dir) throws Exception {
        for (String f : new String[] {PaddleOcr.DETECTOR, PaddleOcr.RECOGNIZER, PaddleOcr.CHARACTERS}) {
            java.nio.file.Files.writeString(dir.resolve(f), "x");
        }
        assertThatThrownBy(() -> PaddleOcr.load(dir, 960, 1024, 0))
                .isInstanceOf(StoaException.class)
                .hasMessageContaining("minSideLength is 1024")
                .hasMessageContaining("maxSideLength (960)");
        assertThatThrownBy(() -> PaddleOcr.load(dir, 960, -1, 0)).hasMessageContaining("minSideLength is -1");
    }
}
