package dev.stoa.repository.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import dev.stoa.api.model.VersionPolicy;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Triton's three version policies, as configuration writes them. */
class VersionPolicyTest {

    private static final List<Integer> PUBLISHED = List.of(1, 2, 3, 5);

    @Test
    void latestKeepsTheNewestN() {
        assertThat(VersionPolicy.parse("latest").select(PUBLISHED)).containsExactly(5);
        assertThat(VersionPolicy.parse("latest:2").select(PUBLISHED)).containsExactly(3, 5);
        assertThat(VersionPolicy.parse("latest:9").select(PUBLISHED)).containsExactly(1, 2, 3, 5);
        assertThat(VersionPolicy.parse("latest").select(List.of())).isEmpty();
    }

    @Test
    void allAndSpecific() {
        assertThat(VersionPolicy.parse("all").select(PUBLISHED)).containsExactly(1, 2, 3, 5);
        assertThat(VersionPolicy.parse("specific: 2, 4,5").select(PUBLISHED)).containsExactly(2, 5);
        assertThat(VersionPolicy.parse("specific:2,4,5").spec()).isEqualTo("specific:2,4,5");
    }

    @Test
    void aTypoIsRefusedNamingTheAcceptedForms() {
        for (String bad : new String[] {"newest", "latest:0", "specific:", "latest:x"}) {
            assertThatThrownBy(() -> VersionPolicy.parse(bad))
                    .as(bad)
                    .isInstanceOfSatisfying(
                            StoaException.class, e -> assertThat(e.code()).isEqualTo(FailureCode.BAD_CONFIG));
        }
        assertThatThrownBy(() -> VersionPolicy.parse("newest")).hasMessageContaining("latest:2");
    }

    @Test
    void policiesPerModelComeFromConfiguration() {
        Settings s = new Settings(
                VersionPolicy.latest(), java.util.Map.of("clip-tiny", VersionPolicy.parse("all")), 1000, 1000, true);
        assertThat(s.policyOf("clip-tiny").spec()).isEqualTo("all");
        assertThat(s.policyOf("gpt-tiny").spec()).isEqualTo("latest");
    }
}
