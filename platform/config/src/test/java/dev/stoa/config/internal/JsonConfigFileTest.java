package dev.stoa.config.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class JsonConfigFileTest {

    @Test
    void flatObjectBecomesTypedProperties() {
        JsonConfigFile f = JsonConfigFile.parse(
                "dev.stoa.gateway.json",
                "{\"port\": 9090, \"host\": \"127.0.0.1\", \"ratio\": 0.5, \"on\": true,"
                        + " \"requiredServices\": [\"a\", \"b\"], \"skipped\": null}");
        assertThat(f.pid()).isEqualTo("dev.stoa.gateway");
        assertThat(f.name()).isNull();
        assertThat(f.properties().get("port")).isEqualTo(9090L);
        assertThat(f.properties().get("ratio")).isEqualTo(0.5);
        assertThat(f.properties().get("on")).isEqualTo(true);
        assertThat((String[]) f.properties().get("requiredServices")).containsExactly("a", "b");
        assertThat(f.properties().get("skipped")).isNull();
    }

    @Test
    void dashNamesAFactoryConfiguration() {
        JsonConfigFile f = JsonConfigFile.parse("org.apache.felix.fileinstall-models.json", "{}");
        assertThat(f.pid()).isEqualTo("org.apache.felix.fileinstall");
        assertThat(f.name()).isEqualTo("models");
    }

    @Test
    void nestedObjectNamesTheKeyAndTheFix() {
        assertThatThrownBy(() -> JsonConfigFile.parse("x.json", "{\"pool\": {\"size\": 2}}"))
                .hasMessageContaining("etc/x.json")
                .hasMessageContaining("'pool'")
                .hasMessageContaining("pool.field");
    }

    @Test
    void mixedArrayNamesTheItem() {
        assertThatThrownBy(() -> JsonConfigFile.parse("x.json", "{\"ids\": [\"a\", 2]}"))
                .hasMessageContaining("'ids'")
                .hasMessageContaining("item 1");
    }

    @Test
    void brokenJsonNamesTheFile() {
        assertThatThrownBy(() -> JsonConfigFile.parse("x.json", "{\"port\": 80,,}"))
                .hasMessageContaining("etc/x.json is not a JSON object");
    }
}
