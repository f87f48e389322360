package dev.stoa.api.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RequestFieldsTest {

    @Test
    void absentGivesTheDefaultAndAWholeNumberInBoundsIsRead() {
        assertThat(RequestFields.integer(Map.of(), "n", 4, 1, 16)).isEqualTo(4);
        assertThat(RequestFields.integer(Map.of("n", 16), "n", 4, 1, 16)).isEqualTo(16);
        assertThat(RequestFields.integer(Map.of("n", 2.0), "n", 4, 1, 16)).isEqualTo(2);
        assertThat(RequestFields.number(Map.of("s", 2.5), "s", 3, 0, 20)).isEqualTo(2.5);
        assertThat(RequestFields.number(Map.of(), "s", 3, 0, 20)).isEqualTo(3);
        assertThat(RequestFields.integer(Map.of("seed", -7L), "seed", 0, Long.MIN_VALUE, Long.MAX_VALUE))
                .isEqualTo(-7);
    }

    @Test
    void aWrongValueIsBadInputNamingTheFieldTheBoundsAndWhatWasSent() {
        assertThatThrownBy(() -> RequestFields.integer(Map.of("n", 17), "n", 4, 1, 16))
                .isInstanceOfSatisfying(
                        StoaException.class, e -> assertThat(e.code()).isEqualTo(FailureCode.BAD_INPUT))
                .hasMessageContaining("'n'")
                .hasMessageContaining("from 1 to 16")
                .hasMessageContaining("17");
        assertThatThrownBy(() -> RequestFields.integer(Map.of("n", 2.5), "n", 4, 1, 16))
                .hasMessageContaining("whole number");
        assertThatThrownBy(() -> RequestFields.integer(Map.of("n", "3"), "n", 4, 1, 16))
                .hasMessageContaining("whole number");
        assertThatThrownBy(() -> RequestFields.number(Map.of("s", Double.NaN), "s", 3, 0, 20))
                .hasMessageContaining("'s'");
        assertThatThrownBy(() -> RequestFields.number(Map.of("s", 21), "s", 3, 0, 20))
                .hasMessageContaining("from 0.0 to 20.0");
    }
}
