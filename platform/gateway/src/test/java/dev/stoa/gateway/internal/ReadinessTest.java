package dev.stoa.gateway.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoa.api.model.ModelInfo;
import dev.stoa.api.model.ModelRepository;
import dev.stoa.api.model.ModelStatus;
import dev.stoa.api.model.TrainingProgress;
import dev.stoa.api.model.VersionPolicy;
import dev.stoa.api.runtime.ExportedService;
import dev.stoa.api.runtime.ServiceDirectory;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.apache.felix.framework.FrameworkFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Constants;
import org.osgi.framework.launch.Framework;

/** {@code /health/ready}: the required services hold it, models being trained are listed and do not. */
class ReadinessTest {

    @TempDir
    Path cache;

    private Framework felix;

    @BeforeEach
    void start() throws Exception {
        felix = new FrameworkFactory()
                .newFramework(Map.of(
                        Constants.FRAMEWORK_STORAGE,
                        cache.toString(),
                        Constants.FRAMEWORK_STORAGE_CLEAN,
                        Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT));
        felix.start();
    }

    @AfterEach
    void stop() throws Exception {
        felix.stop();
        felix.waitForStop(10_000);
    }

    private static ExportedService service(String id, String state) {
        return new ExportedService(id, "model", "1.0.0", "stoa.model." + id, "Image", "Text", "b", 1, state, 0, 0, 0);
    }

    @Test
    void untrainedAndTrainingModelsAreListedButOnlyRequiredServicesHoldReadiness() {
        Readiness readiness = new Readiness(felix.getBundleContext(), List.of("all-minilm-l6-v2", "ocr-paddle"));
        ModelRepository models = new Models(List.of(
                new ModelInfo(
                        "clip-tiny",
                        ModelStatus.training(
                                "clip-tiny",
                                "etc/train/clip-shapes.yaml",
                                new TrainingProgress("clip-shapes-1", 170, 3000, 420)),
                        VersionPolicy.latest(),
                        List.of(),
                        List.of("clip-tiny-image"),
                        "dev.stoa.models.clip"),
                new ModelInfo(
                        "gpt-tiny",
                        ModelStatus.untrained("gpt-tiny", null),
                        VersionPolicy.latest(),
                        List.of(),
                        List.of("gpt-tiny"),
                        "dev.stoa.models.gpt")));
        ServiceDirectory onlyEncoder =
                () -> List.of(service("all-minilm-l6-v2", "available"), service("clip-tiny-image", "available"));

        JsonObject down = readiness.check(onlyEncoder, null, models);
        assertThat(down.getString("status")).isEqualTo("DOWN");
        assertThat(down.encode())
                .contains("required service 'ocr-paddle' is not installed")
                .doesNotContain("service:clip-tiny-image");

        ServiceDirectory both = () -> List.of(
                service("all-minilm-l6-v2", "available"),
                service("ocr-paddle", "available"),
                service("clip-tiny-image", "available"));
        JsonObject up = readiness.check(both, null, models);
        assertThat(up.getString("status")).isEqualTo("UP");
        assertThat(up.getJsonArray("models").getJsonObject(0).getString("state"))
                .isEqualTo("TRAINING");
        assertThat(up.getJsonArray("models").getJsonObject(0).getString("message"))
                .contains("step 170 of 3000");
        assertThat(up.getJsonArray("models").getJsonObject(1).getString("state"))
                .isEqualTo("UNTRAINED");
    }

    @Test
    void aRequiredServiceOfAModelThatIsNotReadyHoldsReadinessNamingTheModel() {
        Readiness readiness = new Readiness(felix.getBundleContext(), List.of("gpt-tiny"));
        ModelRepository models = new Models(List.of(new ModelInfo(
                "gpt-tiny",
                ModelStatus.untrained("gpt-tiny", null),
                VersionPolicy.latest(),
                List.of(),
                List.of("gpt-tiny"),
                "dev.stoa.models.gpt")));
        JsonObject down = readiness.check(() -> List.of(service("gpt-tiny", "available")), null, models);
        assertThat(down.getString("status")).isEqualTo("DOWN");
        assertThat(down.encode()).contains("belongs to model gpt-tiny, which is UNTRAINED");
    }

    /** The repository as readiness reads it: a fixed list of models. */
    private record Models(List<ModelInfo> all) implements ModelRepository {
        @Override
        public List<ModelInfo> models() {
            return all;
        }

        @Override
        public Optional<ModelInfo> model(String id) {
            return all.stream().filter(m -> m.id().equals(id)).findFirst();
        }

        @Override
        public Optional<ModelInfo> modelOfService(String serviceId) {
            return all.stream().filter(m -> m.services().contains(serviceId)).findFirst();
        }

        @Override
        public ModelInfo load(String id, OptionalInt version) {
            throw new UnsupportedOperationException();
        }

        @Override
        public ModelInfo unload(String id, OptionalInt version) {
            throw new UnsupportedOperationException();
        }
    }
}
