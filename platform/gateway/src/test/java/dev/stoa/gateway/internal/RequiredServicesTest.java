package dev.stoa.gateway.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RequiredServicesTest {

    @Test
    void aCfgFilesCommaSeparatedValueAndAnArrayGiveTheSameIds() {
        assertThat(HttpGateway.requiredServices(new String[] {"all-minilm-l6-v2, ocr-paddle"}))
                .containsExactly("all-minilm-l6-v2", "ocr-paddle");
        assertThat(HttpGateway.requiredServices(new String[] {"all-minilm-l6-v2", " ocr-paddle "}))
                .containsExactly("all-minilm-l6-v2", "ocr-paddle");
        assertThat(HttpGateway.requiredServices(new String[] {""})).isEmpty();
    }
}
