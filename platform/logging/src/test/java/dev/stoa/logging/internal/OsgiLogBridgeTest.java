package dev.stoa.logging.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.osgi.service.log.LogLevel;

class OsgiLogBridgeTest {

    @Test
    void levelsParseCaseInsensitively() {
        assertThat(OsgiLogBridge.parseLevel(" info ")).isEqualTo(LogLevel.INFO);
        assertThat(OsgiLogBridge.parseLevel("WARN")).isEqualTo(LogLevel.WARN);
    }

    @Test
    void unknownLevelNamesTheFileAndTheChoices() {
        assertThatThrownBy(() -> OsgiLogBridge.parseLevel("loud"))
                .hasMessageContaining("etc/dev.stoa.logging.cfg")
                .hasMessageContaining("ERROR, WARN");
    }
}
