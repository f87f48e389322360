package dev.stoa.nn.embed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class EmbeddingsTest {

    private NDManager manager;
    private ParameterStore store;

    @BeforeEach
    void open() {
        Engine.getEngine("PyTorch").setRandomSeed(3);
        manager = NDManager.newBaseManager("PyTorch");
        store = new ParameterStore(manager, false);
    }

    @AfterEach
    void close() {
        manager.close();
    }

    @Test
    void patchEmbeddingProjectsEachPatchInRowMajorOrder() {
        int c = 2;
        int p = 2;
        int d = 3;
        int h = 4;
        int w = 6;
        PatchEmbedding patches =
                PatchEmbedding.builder().setPatchSize(p).setEmbeddingSize(d).build();
        NDArray image = manager.randomNormal(new Shape(2, c, h, w));
        patches.initialize(manager, DataType.FLOAT32, image.getShape());
        assertThat(patches.getOutputShapes(new Shape[] {image.getShape()})).containsExactly(new Shape(2, 6, d));
        NDArray y = patches.forward(store, new NDList(image), false).head();
        assertThat(y.getShape()).isEqualTo(new Shape(2, 6, d));

        // y[b, n, k] = bias[k] + Σ_{ch,i,j} W[k, ch, i, j] · x[b, ch, p·row + i, p·col + j]
        float[] weight = patches.getParameters().valueAt(0).getArray().toFloatArray(); // (D, C, p, p)
        float[] bias = patches.getParameters().valueAt(1).getArray().toFloatArray();
        float[] x = image.toFloatArray();
        float[] actual = y.toFloatArray();
        for (int b = 0; b < 2; b++) {
            for (int n = 0; n < 6; n++) {
                int row = n / (w / p);
                int col = n % (w / p);
                for (int k = 0; k < d; k++) {
                    double s = bias[k];
                    for (int ch = 0; ch < c; ch++) {
                        for (int i = 0; i < p; i++) {
                            for (int j = 0; j < p; j++) {
                                s += weight[((k * c + ch) * p + i) * p + j]
                                        * x[((b * c + ch) * h + p * row + i) * w + p * col + j];
                            }
                        }
                    }
                    assertThat((double) actual[(b * 6 + n) * d + k])
                            .as("b %d patch %d dim %d", b, n, k)
                            .isCloseTo(s, within(1e-5));
                }
            }
        }
    }

    @Test
    void patchEmbeddingRejectsImagesNotAMultipleOfThePatch() {
        PatchEmbedding patches =
                PatchEmbedding.builder().setPatchSize(4).setEmbeddingSize(8).build();
        assertThatThrownBy(() -> patches.initialize(manager, DataType.FLOAT32, new Shape(1, 3, 10, 8)))
                .hasMessageContaining("multiples of the patch size 4");
        assertThatThrownBy(() -> PatchEmbedding.builder().setEmbeddingSize(8).build())
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void classTokenIsPrependedToEverySequence() {
        ClassToken cls = ClassToken.builder().setEmbeddingSize(3).build();
        NDArray x = manager.arange(12f).reshape(2, 2, 3);
        cls.initialize(manager, DataType.FLOAT32, x.getShape());
        float[] token = cls.getParameters().valueAt(0).getArray().toFloatArray();
        NDArray y = cls.forward(store, new NDList(x), false).head();
        assertThat(y.getShape()).isEqualTo(new Shape(2, 3, 3));
        float[] out = y.toFloatArray();
        for (int b = 0; b < 2; b++) {
            for (int k = 0; k < 3; k++) {
                assertThat(out[b * 9 + k]).isEqualTo(token[k]);
                assertThat(out[b * 9 + 3 + k]).isEqualTo(b * 6 + k);
                assertThat(out[b * 9 + 6 + k]).isEqualTo(b * 6 + 3 + k);
            }
        }
    }

    @Test
    void positionalEmbeddingAddsTheFirstTPositions() {
        PositionalEmbedding positions = PositionalEmbedding.builder()
                .setMaxLength(5)
                .setEmbeddingSize(2)
                .build();
        positions.initialize(manager, DataType.FLOAT32, new Shape(1, 5, 2));
        float[] p = positions.getParameters().valueAt(0).getArray().toFloatArray(); // (5, 2)
        NDArray x = manager.ones(new Shape(2, 3, 2));
        float[] y = positions.forward(store, new NDList(x), false).head().toFloatArray();
        for (int b = 0; b < 2; b++) {
            for (int i = 0; i < 6; i++) {
                assertThat(y[b * 6 + i]).isEqualTo(1f + p[i]);
            }
        }
        assertThatThrownBy(() -> positions.forward(store, new NDList(manager.ones(new Shape(1, 6, 2))), false))
                .hasMessageContaining("T <= 5");
    }
}
