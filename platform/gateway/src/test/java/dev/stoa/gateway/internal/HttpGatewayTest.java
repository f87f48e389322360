package dev.stoa.gateway.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class HttpGatewayTest {

    @Test
    void environmentWinsThenPropertyThenConfigThenDefault() {
        assertThat(HttpGateway.port("9090", "7070", 6060)).isEqualTo(9090);
        assertThat(HttpGateway.port(null, "7070", 6060)).isEqualTo(7070);
        assertThat(HttpGateway.port(" ", null, 6060)).isEqualTo(6060);
        assertThat(HttpGateway.port(null, null, -1)).isEqualTo(8080);
        assertThat(HttpGateway.port(null, null, 0)).isZero();
    }

    @Test
    void badValueNamesItsSourceAndTheFix() {
        assertThatThrownBy(() -> HttpGateway.port("80a", null, -1))
                .hasMessageContaining("STOA_HTTP_PORT")
                .hasMessageContaining("'80a'")
                .hasMessageContaining("0 and 65535");
        assertThatThrownBy(() -> HttpGateway.port(null, "70000", -1)).hasMessageContaining("stoa.http.port");
    }
}
