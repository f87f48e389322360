package dev.stoa.onnxruntime.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import dev.stoa.api.StoaService;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The model-folder component as SCR drives it, outside a framework: a configuration pointing at a folder becomes a
 * registered {@code stoa.kind=model} service named by the descriptor (or the configuration), unregistered and
 * closed on deactivation; a broken folder fails activation naming the configuration file and the field.
 */
class OnnxModelComponentTest {

    private static final String FILE = "file:/opt/stoa/etc/dev.stoa.onnxruntime.model-linear.cfg";

    @TempDir
    Path dir;

    @Test
    void aFolderAndAConfigurationMakeAModelService() throws Exception {
        TestModelFolders.linear(dir, "{\"name\": \"tiny-linear\", \"version\": \"1.2\"}");
        Map<String, Object> properties = properties(dir.toString());
        OnnxModelComponent component = activate(properties);
        ScrDoubles.Registration r = ScrDoubles.REGISTRATIONS.get(ScrDoubles.REGISTRATIONS.size() - 1);
        assertThat(r.properties.get("stoa.id")).isEqualTo("tiny-linear");
        assertThat(r.properties.get("stoa.kind")).isEqualTo("model");
        assertThat(r.properties.get("stoa.version")).isEqualTo("1.2");
        @SuppressWarnings("unchecked")
        StoaService<Map<String, Object>, Map<String, Object>> service =
                (StoaService<Map<String, Object>, Map<String, Object>>) r.service;
        assertThat(service.inputType()).isEqualTo(Map.class);
        Map<String, Object> answer = service.call(Map.of(
                "inputs",
                Map.of("x", Map.of("data", List.of(List.of(1, 2, 3))), "ids", Map.of("data", List.of(List.of(5))))));
        float[] expected = TestModelFolders.linear(new float[] {1, 2, 3});
        assertThat(OnnxModelTest.output(answer, "y").get("data")).isEqualTo(List.of(expected[0], expected[1]));
        component.deactivate();
        assertThat(r.unregistered).isTrue();
        assertThatThrownBy(() -> service.call(Map.of()))
                .isInstanceOfSatisfying(
                        StoaException.class, e -> assertThat(e.code()).isEqualTo(FailureCode.UNAVAILABLE));
    }

    @Test
    void theConfigurationsIdWinsAndTheFolderNamesTheModelOtherwise() throws Exception {
        Path folder = TestModelFolders.linear(dir.resolve("folder-name"), null);
        Map<String, Object> properties = properties(folder.toString());
        OnnxModelComponent byFolder = activate(properties);
        assertThat(last().properties.get("stoa.id")).isEqualTo("folder-name");
        assertThat(last().properties.get("stoa.version")).isNull();
        byFolder.deactivate();
        properties.put("stoa.id", "configured");
        OnnxModelComponent configured = activate(properties);
        assertThat(last().properties.get("stoa.id")).isEqualTo("configured");
        configured.deactivate();
    }

    @Test
    void aBrokenFolderFailsActivationNamingTheConfigurationFileAndTheField() throws Exception {
        TestModelFolders.linear(dir, "{\"outputs\": [{\"name\": \"y\", \"postprocess\": {\"topk\": 1}}]}");
        Map<String, Object> properties = properties(dir.toString());
        int before = ScrDoubles.REGISTRATIONS.size();
        assertThatThrownBy(() -> activate(properties))
                .isInstanceOfSatisfying(
                        StoaException.class, e -> assertThat(e.code()).isEqualTo(FailureCode.BAD_CONFIG))
                .hasMessageContaining(FILE)
                .hasMessageContaining(ModelDescriptor.FILE)
                .hasMessageContaining("'outputs[0].postprocess.topk' is not a known field");
        Map<String, Object> noFolder = properties(" ");
        assertThatThrownBy(() -> activate(noFolder))
                .hasMessageContaining(FILE)
                .hasMessageContaining("'folder' is missing");
        Files.writeString(dir.resolve(ModelDescriptor.FILE), "{\"name\": \"Not An Id\"}");
        assertThatThrownBy(() -> activate(properties))
                .hasMessageContaining(FILE)
                .hasMessageContaining("'Not An Id'")
                .hasMessageContaining("stoa.id");
        assertThat(ScrDoubles.REGISTRATIONS).hasSize(before);
    }

    /** Activates a component as SCR does: references set, then the activate method. */
    private static OnnxModelComponent activate(Map<String, Object> properties) throws Exception {
        OnnxModelComponent component = new OnnxModelComponent();
        component.djl = ScrDoubles.djl();
        component.activate(ScrDoubles.context(), ScrDoubles.config(ModelConfig.class, properties), properties);
        return component;
    }

    private static ScrDoubles.Registration last() {
        return ScrDoubles.REGISTRATIONS.get(ScrDoubles.REGISTRATIONS.size() - 1);
    }

    private static Map<String, Object> properties(String folder) {
        Map<String, Object> p = new HashMap<>();
        p.put("folder", folder);
        p.put("felix.fileinstall.filename", FILE);
        return p;
    }
}
