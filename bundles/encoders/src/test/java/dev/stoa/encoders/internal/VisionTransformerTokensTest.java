package dev.stoa.encoders.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import dev.stoa.nn.encoder.TokenFeatures;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The ViT's grid features: one LN_post-normalised vector per token, the first being what the tower pools. */
class VisionTransformerTokensTest {

    @Test
    void tokensAreTheClassTokenThenOnePerPatchEachNormalised() {
        Engine.getEngine("PyTorch").setRandomSeed(9);
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            Block vit = new VitEncoderFactory()
                    .create(Map.of("image_size", 32, "patch_size", 8, "width", 32, "layers", 2, "heads", 4));
            vit.initialize(m, DataType.FLOAT32, new Shape(2, 3, 32, 32));
            ParameterStore ps = new ParameterStore(m, false);
            NDArray images = m.randomUniform(-1, 1, new Shape(2, 3, 32, 32));
            NDArray tokens = ((TokenFeatures) vit).tokens(ps, images, false);
            assertThat(tokens.getShape()).isEqualTo(new Shape(2, 1 + 16, 32));
            float[] pooled = vit.forward(ps, new NDList(images), false).head().toFloatArray();
            float[] t = tokens.toFloatArray();
            for (int b = 0; b < 2; b++) {
                for (int d = 0; d < 32; d++) {
                    assertThat(t[(b * 17) * 32 + d]).isCloseTo(pooled[b * 32 + d], within(1e-5f));
                }
            }
            // LN_post per token (gain 1, bias 0 at init): mean 0, variance 1 over the width
            for (int row = 0; row < 2 * 17; row++) {
                double mean = 0;
                double sq = 0;
                for (int d = 0; d < 32; d++) {
                    mean += t[row * 32 + d];
                    sq += t[row * 32 + d] * t[row * 32 + d];
                }
                mean /= 32;
                assertThat(mean).isCloseTo(0, within(1e-5));
                assertThat(sq / 32 - mean * mean).isCloseTo(1, within(1e-3));
            }
            // the patches differ from one another: the grid keeps where things are
            assertThat(tokens.get("0, 1, :")
                            .sub(tokens.get("0, 2, :"))
                            .abs()
                            .max()
                            .getFloat())
                    .isGreaterThan(1e-3f);
        }
    }
}
