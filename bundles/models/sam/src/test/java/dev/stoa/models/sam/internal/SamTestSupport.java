package dev.stoa.models.sam.internal;

import dev.stoa.api.dataset.Dataset;
import dev.stoa.datasets.internal.ShapesDatasetFactory;
import java.util.Map;
import java.util.Properties;

/** A small SAM and the scenes the tests train and evaluate it on. */
final class SamTestSupport {

    private SamTestSupport() {}

    /** A smaller variant (32 wide, one layer each side, 32 px), so the tests train in seconds. */
    static SamConfig config() {
        Properties p = new Properties();
        p.setProperty("width", "32");
        p.setProperty("heads", "2");
        p.setProperty("image_size", "32");
        p.setProperty("patch_size", "4");
        p.setProperty("stem_channels", "8");
        p.setProperty("encoder_layers", "1");
        p.setProperty("decoder_layers", "1");
        p.setProperty("mask_outputs", "3");
        p.setProperty("high_resolution", "true");
        p.setProperty("prompts_per_image", "2");
        return SamConfig.read("test", p, "test");
    }

    /** One or two shapes a scene, no word, drawn at 32 px, with masks. */
    static Dataset scenes() {
        return new ShapesDatasetFactory()
                .open(Map.of("seed", 3, "image_size", 32, "max_count", 2, "min_size", 0.4, "masks", true));
    }
}
