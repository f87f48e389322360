package dev.stoa.api.generation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every decoding option has an upper bound, refused as BAD_INPUT naming the JSON field, never run. */
class GenerationOptionsBoundsTest {

    @Test
    void aHugeBeamSizeIsBadInputNamingTheField() {
        assertRefused(() -> new GenerationOptions(8, 0, 0, 1, 1 << 30, List.of(), null), "beam_size");
        assertRefused(
                () -> new GenerationOptions(8, 0, 0, 1, GenerationOptions.MAX_BEAM_SIZE + 1, List.of(), null),
                "beam_size");
        assertThat(new GenerationOptions(8, 0, 0, 1, GenerationOptions.MAX_BEAM_SIZE, List.of(), null).beamSize())
                .isEqualTo(GenerationOptions.MAX_BEAM_SIZE);
    }

    @Test
    void maxTokensTopKAndStopAreBounded() {
        assertRefused(() -> new GenerationOptions(Integer.MAX_VALUE, 0, 0, 1, 1, List.of(), null), "max_tokens");
        assertRefused(() -> new GenerationOptions(8, 0.5, Integer.MAX_VALUE, 1, 1, List.of(), null), "top_k");
        assertRefused(() -> new GenerationOptions(8, 0, 0, 1, 1, List.of("x".repeat(10_000)), null), "stop[0]");
    }

    private static void assertRefused(Runnable r, String field) {
        assertThatThrownBy(r::run).isInstanceOfSatisfying(StoaException.class, e -> {
            assertThat(e.code()).isEqualTo(FailureCode.BAD_INPUT);
            assertThat(e.getMessage()).startsWith("'" + field + "': ");
        });
    }
}
