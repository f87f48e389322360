package dev.stoa.tensorrt.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import dev.stoa.api.engine.EngineOptions;
import dev.stoa.api.tensor.TensorSignature.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProfileShapesTest {

    private static final Tensor PIXELS = new Tensor("pixel_values", "FP32", new long[] {-1, 3, 224, 224});
    private static final Tensor IDS = new Tensor("input_ids", "INT64", new long[] {-1, -1});
    private static final Tensor FIXED = new Tensor("scale", "FP32", new long[] {1, 4});

    @Test
    void dynamicBatchGetsOneMaxBatchMaxBatch() {
        Map<String, ProfileShapes.Range> r =
                ProfileShapes.compute(List.of(PIXELS, FIXED), new EngineOptions("fp32", 16, Map.of()));
        assertThat(r.get("pixel_values").min()).containsExactly(1, 3, 224, 224);
        assertThat(r.get("pixel_values").opt()).containsExactly(16, 3, 224, 224);
        assertThat(r.get("pixel_values").max()).containsExactly(16, 3, 224, 224);
        assertThat(r.get("pixel_values").isStatic()).isFalse();
        assertThat(r.get("scale").min()).containsExactly(1, 4);
        assertThat(r.get("scale").max()).containsExactly(1, 4);
        assertThat(r.get("scale").isStatic()).isTrue();
        assertThat(r.keySet()).containsExactly("pixel_values", "scale");
    }

    @Test
    void explicitRangesWin() {
        long[][] ids = {{1, 1}, {8, 77}, {32, 77}};
        Map<String, ProfileShapes.Range> r =
                ProfileShapes.compute(List.of(IDS), new EngineOptions("fp16", 32, Map.of("input_ids", ids)));
        assertThat(r.get("input_ids").min()).containsExactly(1, 1);
        assertThat(r.get("input_ids").opt()).containsExactly(8, 77);
        assertThat(r.get("input_ids").max()).containsExactly(32, 77);
    }

    @Test
    void aDynamicDimensionBeyondTheBatchNeedsARange() {
        assertThatThrownBy(() -> ProfileShapes.compute(List.of(IDS), EngineOptions.defaults()))
                .isInstanceOfSatisfying(
                        StoaException.class, e -> assertThat(e.code()).isEqualTo(FailureCode.BAD_CONFIG))
                .hasMessageContaining("input 'input_ids'")
                .hasMessageContaining("dynamic dimension 1")
                .hasMessageContaining("shapeRanges['input_ids']");
    }

    @Test
    void rangesAreCheckedAgainstTheGraph() {
        assertThatThrownBy(() -> ProfileShapes.compute(
                        List.of(PIXELS), new EngineOptions("fp32", 8, Map.of("pixels", new long[][] {{1}, {1}, {1}}))))
                .hasMessageContaining("'pixels'")
                .hasMessageContaining("[pixel_values]");
        assertThatThrownBy(() -> ProfileShapes.compute(
                        List.of(PIXELS), new EngineOptions("fp32", 8, Map.of("pixel_values", new long[][] {
                            {1, 3}, {2, 3}, {4, 3}
                        }))))
                .hasMessageContaining("shapeRanges['pixel_values'] min shape [1, 3]")
                .hasMessageContaining("rank 4");
        assertThatThrownBy(() -> ProfileShapes.compute(
                        List.of(PIXELS), new EngineOptions("fp32", 8, Map.of("pixel_values", new long[][] {
                            {4, 3, 224, 224}, {2, 3, 224, 224}, {8, 3, 224, 224}
                        }))))
                .hasMessageContaining("dimension 0 is 4 / 2 / 8")
                .hasMessageContaining("min <= opt <= max");
        assertThatThrownBy(() -> ProfileShapes.compute(
                        List.of(PIXELS), new EngineOptions("fp32", 8, Map.of("pixel_values", new long[][] {
                            {1, 3, 112, 224}, {2, 3, 224, 224}, {8, 3, 224, 224}
                        }))))
                .hasMessageContaining("dimension 2")
                .hasMessageContaining("fixes it at 224");
        assertThatThrownBy(() -> ProfileShapes.compute(
                        List.of(PIXELS), new EngineOptions("fp32", 8, Map.of("pixel_values", new long[][] {
                            {1, 3, 224, 224}
                        }))))
                .hasMessageContaining("has 1 shapes; give three");
    }

    @Test
    void aShapeOutsideTheProfileIsRefusedNamingTheInput() {
        ProfileShapes.Range range = ProfileShapes.compute(List.of(PIXELS), new EngineOptions("fp32", 32, Map.of()))
                .get("pixel_values");
        ProfileShapes.check("pixel_values", new long[] {32, 3, 224, 224}, range);
        assertThatThrownBy(() -> ProfileShapes.check("pixel_values", new long[] {33, 3, 224, 224}, range))
                .isInstanceOfSatisfying(
                        StoaException.class, e -> assertThat(e.code()).isEqualTo(FailureCode.SHAPE_MISMATCH))
                .hasMessageContaining("input 'pixel_values' has shape [33, 3, 224, 224]")
                .hasMessageContaining("[1, 3, 224, 224] .. [32, 3, 224, 224]")
                .hasMessageContaining("dimension 0 is 33, the engine takes 1 to 32")
                .hasMessageContaining("maxBatch");
        assertThatThrownBy(() -> ProfileShapes.check("pixel_values", new long[] {1, 3, 224}, range))
                .hasMessageContaining("it has 3 dimensions, the engine takes 4");
        assertThatThrownBy(() -> ProfileShapes.check("pixel_values", new long[] {2, 3, 225, 224}, range))
                .hasMessageContaining("dimension 2 is 225");
    }

    @Test
    void descriptionIsCanonical() {
        Map<String, long[][]> ab = new LinkedHashMap<>();
        ab.put("b", new long[][] {{1}, {2}, {3}});
        ab.put("a", new long[][] {{1}, {4}, {5}});
        Map<String, long[][]> ba = new LinkedHashMap<>();
        ba.put("a", new long[][] {{1}, {4}, {5}});
        ba.put("b", new long[][] {{1}, {2}, {3}});
        String one = ProfileShapes.describe(new EngineOptions("fp32", 8, ab));
        assertThat(one)
                .isEqualTo(ProfileShapes.describe(new EngineOptions("fp16", 8, ba)))
                .isEqualTo("maxBatch=8;a=[1]/[4]/[5];b=[1]/[2]/[3]");
        assertThat(ProfileShapes.describe(new EngineOptions("fp32", 9, ab))).isNotEqualTo(one);
        // one profile per execution context: the number of contexts is part of the engine
        assertThat(ProfileShapes.describe(new EngineOptions("fp32", 8, ab), 2))
                .isEqualTo(one + ";contexts=2")
                .isNotEqualTo(ProfileShapes.describe(new EngineOptions("fp32", 8, ab), 3));
    }
}
