package dev.stoa.gateway.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoa.api.engine.EngineChoice;
import dev.stoa.api.model.ModelInfo;
import dev.stoa.api.model.ModelStatus;
import dev.stoa.api.model.ModelVersionInfo;
import dev.stoa.api.model.VersionPolicy;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code /v1/models} says which engine serves each version and why, and what became of its export. */
class ModelJsonEngineTest {

    @Test
    void theServingVersionsEngineAndReasonAreShownAtTheTopAndPerVersion() {
        EngineChoice ort = new EngineChoice(
                "onnxruntime-cpu",
                "tensorrt unavailable: libnvinfer.so.11 not found in /usr/lib; serving on onnxruntime-cpu");
        ModelInfo m = new ModelInfo(
                "clip-tiny",
                ModelStatus.ready(),
                VersionPolicy.parse("latest:2"),
                List.of(
                        new ModelVersionInfo(
                                1,
                                ModelStatus.ready(),
                                false,
                                List.of("clip-tiny-image.v1"),
                                new EngineChoice("pytorch", "first of the chain pytorch"),
                                "failed: no ONNX form"),
                        new ModelVersionInfo(
                                2,
                                ModelStatus.ready(),
                                true,
                                List.of("clip-tiny-image"),
                                ort,
                                "exported: model.image.onnx, model.text.onnx"),
                        new ModelVersionInfo(3, ModelStatus.loading("version 3"), false, List.of())),
                List.of("clip-tiny-image"),
                "dev.stoa.models.clip");

        JsonObject json = ModelJson.model(m);

        assertThat(json.getJsonObject("engine").getString("name")).isEqualTo("onnxruntime-cpu");
        assertThat(json.getJsonObject("engine").getString("reason"))
                .startsWith("tensorrt unavailable: libnvinfer.so.11");
        JsonObject v1 = json.getJsonArray("versions").getJsonObject(0);
        assertThat(v1.getJsonObject("engine").getString("name")).isEqualTo("pytorch");
        assertThat(v1.getString("export")).isEqualTo("failed: no ONNX form");
        JsonObject v2 = json.getJsonArray("versions").getJsonObject(1);
        assertThat(v2.getString("export")).isEqualTo("exported: model.image.onnx, model.text.onnx");
        JsonObject v3 = json.getJsonArray("versions").getJsonObject(2);
        assertThat(v3.containsKey("engine")).isFalse();
        assertThat(v3.containsKey("export")).isFalse();
    }

    @Test
    void aModelWithNoServingVersionHasNoEngine() {
        ModelInfo m = new ModelInfo(
                "clip-tiny",
                ModelStatus.untrained("clip-tiny", null),
                VersionPolicy.latest(),
                List.of(),
                List.of(),
                null);
        assertThat(ModelJson.model(m).containsKey("engine")).isFalse();
    }
}
