package dev.stoa.onnxruntime.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import dev.stoa.api.data.Text;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The component as SCR drives it, outside a framework: configuration in, encoder out, and configuration mistakes
 * reported with the file they are in.
 */
class OnnxTextEncoderComponentTest {

    private static final String FILE = "file:/opt/stoa/etc/dev.stoa.onnxruntime.textencoder-minilm.cfg";

    @Test
    void relativeFolderIsResolvedAgainstTheInstallation() {
        assertThat(ConfigurationFiles.resolve("/opt/stoa", "models/x")).isEqualTo(Path.of("/opt/stoa/models/x"));
        assertThat(ConfigurationFiles.resolve("/opt/stoa", "/data/m")).isEqualTo(Path.of("/data/m"));
    }

    @Test
    void configuredModelIsServedAndClosedOnDeactivation() throws Exception {
        Map<String, Object> properties =
                properties(TestModels.folder(TestModels.MINILM_Q).toString());
        OnnxTextEncoderComponent component = activate(properties);
        assertThat(component.dimension()).isEqualTo(384);
        assertThat(component.call(new Text("hello")).dimension()).isEqualTo(384);
        component.deactivate();
        assertThatThrownBy(() -> component.call(new Text("hello")))
                .isInstanceOfSatisfying(
                        StoaException.class, e -> assertThat(e.code()).isEqualTo(FailureCode.UNAVAILABLE));
    }

    @Test
    void badConfigurationNamesItsFileAndTheSetting() {
        Map<String, Object> missing = properties("models/not-there");
        assertThatThrownBy(() -> activate(missing))
                .isInstanceOfSatisfying(
                        StoaException.class, e -> assertThat(e.code()).isEqualTo(FailureCode.BAD_CONFIG))
                .hasMessageContaining(FILE)
                .hasMessageContaining("not-there")
                .hasMessageContaining("does not exist");
        Map<String, Object> normalize =
                properties(TestModels.folder(TestModels.MINILM_Q).toString());
        normalize.put("normalize", "yes");
        assertThatThrownBy(() -> activate(normalize))
                .hasMessageContaining(FILE)
                .hasMessageContaining("'normalize' is 'yes'");
        Map<String, Object> id =
                properties(TestModels.folder(TestModels.MINILM_Q).toString());
        id.put("stoa.id", "Not An Id");
        assertThatThrownBy(() -> activate(id)).hasMessageContaining(FILE).hasMessageContaining("stoa.id");
    }

    /** Activates a component as SCR does: references set, then the activate method. */
    private static OnnxTextEncoderComponent activate(Map<String, Object> properties) throws Exception {
        OnnxTextEncoderComponent component = new OnnxTextEncoderComponent();
        component.djl = ScrDoubles.djl();
        component.activate(ScrDoubles.context(), ScrDoubles.config(TextEncoderConfig.class, properties), properties);
        return component;
    }

    private static Map<String, Object> properties(String folder) {
        Map<String, Object> p = new HashMap<>();
        p.put("stoa.id", "minilm");
        p.put("folder", folder);
        p.put("felix.fileinstall.filename", FILE);
        return p;
    }
}
