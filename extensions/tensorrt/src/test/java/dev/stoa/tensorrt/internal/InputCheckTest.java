package dev.stoa.tensorrt.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import dev.stoa.api.engine.EngineOptions;
import dev.stoa.api.engine.HostTensor;
import dev.stoa.api.tensor.TensorSignature.Tensor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InputCheckTest {

    private static final List<Tensor> INPUTS = List.of(
            new Tensor("input_ids", "INT64", new long[] {-1, 8}),
            new Tensor("attention_mask", "INT64", new long[] {-1, 8}));
    private static final Map<String, ProfileShapes.Range> RANGES =
            ProfileShapes.compute(INPUTS, new EngineOptions("fp32", 4, Map.of()));

    private static HostTensor ids(int rows) {
        return HostTensor.ofLongs(new long[] {rows, 8}, new long[rows * 8]);
    }

    @Test
    void acceptsInputsThatFit() {
        InputCheck.check(INPUTS, RANGES, Map.of("input_ids", ids(4), "attention_mask", ids(4)));
    }

    @Test
    void namesAMissingOrUnknownInput() {
        assertThatThrownBy(() -> InputCheck.check(INPUTS, RANGES, Map.of("input_ids", ids(1))))
                .isInstanceOfSatisfying(
                        StoaException.class, e -> assertThat(e.code()).isEqualTo(FailureCode.BAD_INPUT))
                .hasMessageStartingWith("'attention_mask': missing")
                .hasMessageContaining("attention_mask:INT64[-1,8]");
        assertThatThrownBy(() -> InputCheck.check(
                        INPUTS, RANGES, Map.of("input_ids", ids(1), "attention_mask", ids(1), "pixels", ids(1))))
                .hasMessageStartingWith("'pixels': the graph has no such input");
    }

    @Test
    void namesAMistypedInput() {
        HostTensor floats = HostTensor.ofFloats(new long[] {1, 8}, new float[8]);
        assertThatThrownBy(
                        () -> InputCheck.check(INPUTS, RANGES, Map.of("input_ids", floats, "attention_mask", ids(1))))
                .hasMessage("'input_ids': is FP32, the graph takes INT64");
    }

    @Test
    void namesAnInputOutsideTheProfile() {
        assertThatThrownBy(
                        () -> InputCheck.check(INPUTS, RANGES, Map.of("input_ids", ids(5), "attention_mask", ids(5))))
                .isInstanceOfSatisfying(
                        StoaException.class, e -> assertThat(e.code()).isEqualTo(FailureCode.SHAPE_MISMATCH))
                .hasMessageContaining("input 'input_ids' has shape [5, 8]")
                .hasMessageContaining("dimension 0 is 5, the engine takes 1 to 4");
    }

    @Test
    void batchSizesMustAgree() {
        assertThatThrownBy(
                        () -> InputCheck.check(INPUTS, RANGES, Map.of("input_ids", ids(2), "attention_mask", ids(3))))
                .hasMessage("input 'attention_mask' has 3 rows but 'input_ids' has 2; send the same batch size for"
                        + " every input");
    }
}
