package dev.stoa.gateway.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ServesModelTest {

    @Test
    void aModelsServicesAreItsIdAndItsRolesNotAnotherModelThatSharesItsPrefix() {
        assertThat(HttpGateway.servesModel("clip-tiny-image", "clip-tiny")).isTrue();
        assertThat(HttpGateway.servesModel("clip-tiny-zero-shot", "clip-tiny")).isTrue();
        assertThat(HttpGateway.servesModel("gpt-scene-qa", "gpt-scene-qa")).isTrue();
        assertThat(HttpGateway.servesModel("clip-tiny-resnet-image", "clip-tiny")).isFalse();
        assertThat(HttpGateway.servesModel("clip-tiny-scenes-text", "clip-tiny")).isFalse();
        assertThat(HttpGateway.servesModel("clip-tiny-image", null)).isFalse();
    }
}
