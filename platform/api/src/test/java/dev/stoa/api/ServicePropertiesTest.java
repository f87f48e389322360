package dev.stoa.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ServicePropertiesTest {

    @Test
    void addressJoinsKindAndId() {
        assertThat(ServiceProperties.address(ServiceKind.MODEL.id(), "clip-tiny"))
                .isEqualTo("stoa.model.clip-tiny");
    }

    @Test
    void invalidIdSaysWhichCharactersAreAllowed() {
        assertThatThrownBy(() -> ServiceProperties.requireValidId("Clip Tiny"))
                .hasMessageContaining("stoa.id")
                .hasMessageContaining("lower-case");
        assertThat(ServiceProperties.requireValidId("clip-vit.tiny_2")).isEqualTo("clip-vit.tiny_2");
    }

    @Test
    void unknownKindListsTheAcceptedOnes() {
        assertThatThrownBy(() -> ServiceKind.parse("encodr"))
                .isInstanceOfSatisfying(
                        StoaException.class, e -> assertThat(e.code()).isEqualTo(FailureCode.BAD_CONFIG))
                .hasMessageContaining("encoder, model");
        assertThat(ServiceKind.parse(null)).isEqualTo(ServiceKind.SERVICE);
    }

    @Test
    void everyCodeIsUniqueAndRoundTrips() {
        for (FailureCode c : FailureCode.values()) {
            assertThat(FailureCode.of(c.code())).isEqualTo(c);
        }
    }
}
