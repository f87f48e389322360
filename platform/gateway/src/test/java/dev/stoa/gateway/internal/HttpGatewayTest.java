package dev.stoa.gateway.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class HttpGatewayTest {

    @Test
    void environmentWinsOverConfig() {
        assertThat(HttpGateway.port("9090", 8080)).isEqualTo(9090);
        assertThat(HttpGateway.port(null, 8080)).isEqualTo(8080);
        assertThat(HttpGateway.port(" ", 8080)).isEqualTo(8080);
    }

    @Test
    void badEnvironmentValueNamesTheVariableAndTheFix() {
        assertThatThrownBy(() -> HttpGateway.port("80a", 8080))
                .hasMessageContaining("STOA_HTTP_PORT").hasMessageContaining("'80a'").hasMessageContaining("0 and 65535");
        assertThatThrownBy(() -> HttpGateway.port("70000", 8080)).hasMessageContaining("STOA_HTTP_PORT");
    }
}
