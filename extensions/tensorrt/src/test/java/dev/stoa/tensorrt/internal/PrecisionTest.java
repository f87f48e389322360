package dev.stoa.tensorrt.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import org.junit.jupiter.api.Test;

class PrecisionTest {

    @Test
    void readsBothPrecisionsInAnyCase() {
        assertThat(Precision.of("precision", "fp32")).isEqualTo(Precision.FP32);
        assertThat(Precision.of("precision", " FP16 ")).isEqualTo(Precision.FP16);
        assertThat(Precision.FP16.label()).isEqualTo("fp16");
    }

    @Test
    void aBadPrecisionNamesTheFieldAndTheChoices() {
        assertThatThrownBy(() -> Precision.of("--precision", "int8"))
                .isInstanceOfSatisfying(
                        StoaException.class, e -> assertThat(e.code()).isEqualTo(FailureCode.BAD_CONFIG))
                .hasMessage("'--precision' is 'int8'; TensorRT engines are built in fp32 or fp16: set one of those");
        assertThatThrownBy(() -> Precision.of("precision", null)).hasMessageContaining("'precision' is 'null'");
    }
}
