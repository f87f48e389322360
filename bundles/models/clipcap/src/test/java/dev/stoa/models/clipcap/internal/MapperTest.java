package dev.stoa.models.clipcap.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import org.junit.jupiter.api.Test;

class MapperTest {

    @Test
    void mlpMapsEmbeddingsToKPrefixVectorsOfTheDecoderWidth() {
        check(new MlpMapper(5, 32));
    }

    @Test
    void transformerMapsEmbeddingsToKPrefixVectorsOfTheDecoderWidth() {
        check(new TransformerMapper(5, 32, 2, 4));
    }

    /** (3, 16) -> (3, 5, 32); each image's prefix depends on its own embedding only. */
    private static void check(AbstractBlock mapper) {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            mapper.initialize(m, DataType.FLOAT32, new Shape(1, 16));
            ParameterStore ps = new ParameterStore(m, false);
            NDArray v = m.randomNormal(new Shape(3, 16));
            NDArray prefix = mapper.forward(ps, new NDList(v), false).head();
            assertThat(prefix.getShape()).isEqualTo(new Shape(3, 5, 32));
            assertThat(mapper.getOutputShapes(new Shape[] {new Shape(7, 16)})[0])
                    .isEqualTo(new Shape(7, 5, 32));
            // row 0 alone gives the same prefix as in the batch: no mixing across images
            NDArray alone = mapper.forward(ps, new NDList(v.get("0:1")), false).head();
            assertThat(alone.get(0).sub(prefix.get(0)).abs().max().getFloat()).isLessThan(1e-5f);
            // different images, different prefixes
            assertThat(prefix.get(0).sub(prefix.get(1)).abs().max().getFloat()).isGreaterThan(1e-4f);
            assertThatThrownBy(() -> mapper.getOutputShapes(new Shape[] {new Shape(3, 4, 16)}))
                    .hasMessageContaining("(B, E)");
        }
    }
}
