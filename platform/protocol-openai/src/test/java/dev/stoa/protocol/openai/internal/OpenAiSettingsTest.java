package dev.stoa.protocol.openai.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OpenAiSettingsTest {

    @Test
    void readsModelsWithTheirOptionsAndIgnoresConfigAdminKeys() {
        OpenAiSettings s = OpenAiSettings.parse(Map.of(
                "service.pid", "dev.stoa.openai",
                "felix.fileinstall.filename", "file:/x/etc/dev.stoa.openai.cfg",
                "model.all-minilm-l6-v2", "service:all-minilm-l6-v2",
                "model.mini", "service:all-minilm-l6-v2",
                "model.mini.dimensions", "128, 256",
                "model.socratic-vqa", "pipeline:socratic-vqa",
                "model.socratic-vqa.text", "q",
                "model.v1.5", "service:bge",
                "exposeAll", "false",
                "callTimeoutMs", "1234"));
        assertThat(s.problems()).isEmpty();
        assertThat(s.exposeAll()).isFalse();
        assertThat(s.callTimeoutMs()).isEqualTo(1234);
        assertThat(s.models()).containsOnlyKeys("all-minilm-l6-v2", "mini", "socratic-vqa", "v1.5");
        assertThat(s.models().get("mini").dimensions()).containsExactly(128, 256);
        ExposedModel vqa = s.models().get("socratic-vqa");
        assertThat(vqa.pipeline()).isTrue();
        assertThat(vqa.target()).isEqualTo("socratic-vqa");
        assertThat(vqa.textField()).isEqualTo("q");
        assertThat(vqa.imageField()).isEqualTo("image");
        assertThat(vqa.outputField()).isEqualTo("text");
        // a name with a dot whose last part is not an option is a model of its own
        assertThat(s.models().get("v1.5").target()).isEqualTo("bge");
    }

    @Test
    void badEntriesAreNamedWithTheFixAndLeftOut() {
        OpenAiSettings s = OpenAiSettings.parse(Map.of(
                "model.a", "encoder:x",
                "model.b", "service:",
                "model.c", "service:c",
                "model.c.dimensions", "12, many",
                "model.d", "service:d",
                "maxBodyBytes", "-3",
                "exposeEverything", "true"));
        assertThat(s.models()).containsOnlyKeys("d");
        assertThat(s.maxBodyBytes()).isEqualTo(16L * 1024 * 1024);
        assertThat(s.problems())
                .hasSize(5)
                .anySatisfy(p -> assertThat(p).contains("model.a = encoder:x").contains("service:<id> or"))
                .anySatisfy(p -> assertThat(p).contains("model.b").contains("names no service"))
                .anySatisfy(p -> assertThat(p).contains("model.c.dimensions").contains("'many'"))
                .anySatisfy(p -> assertThat(p).contains("maxBodyBytes = -3"))
                .anySatisfy(p -> assertThat(p).contains("'exposeEverything' is not a setting"));
    }

    @Test
    void theDefaultsExposeEveryEncoderAndGenerator() {
        OpenAiSettings s = OpenAiSettings.parse(Map.of());
        assertThat(s.exposeAll()).isTrue();
        assertThat(s.models()).isEmpty();
        assertThat(s.callTimeoutMs()).isEqualTo(60_000);
        assertThat(ExposedModel.service("x").dimensions()).isEqualTo(List.of());
    }
}
