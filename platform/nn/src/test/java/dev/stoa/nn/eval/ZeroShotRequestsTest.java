package dev.stoa.nn.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A request's lists of labels and texts are bounded before any of them reaches the text encoder. */
class ZeroShotRequestsTest {

    @Test
    void tooManyLabelsAreBadInputNamingTheField() {
        List<String> many = Collections.nCopies(ZeroShotRequests.MAX_STRINGS + 1, "a cat");
        assertThatThrownBy(() -> ZeroShotRequests.strings(Map.of("labels", many), "labels", null))
                .isInstanceOfSatisfying(
                        StoaException.class, e -> assertThat(e.code()).isEqualTo(FailureCode.BAD_INPUT))
                .hasMessageStartingWith("'labels': has more than " + ZeroShotRequests.MAX_STRINGS);
        List<String> most = Collections.nCopies(ZeroShotRequests.MAX_STRINGS, "a cat");
        assertThat(ZeroShotRequests.strings(Map.of("labels", most), "labels", null))
                .hasSize(ZeroShotRequests.MAX_STRINGS);
    }
}
