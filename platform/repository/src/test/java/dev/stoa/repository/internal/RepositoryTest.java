package dev.stoa.repository.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import dev.stoa.api.StoaService;
import dev.stoa.api.model.ModelInfo;
import dev.stoa.api.model.ModelRepository;
import dev.stoa.api.model.ModelState;
import dev.stoa.api.model.ModelStore;
import dev.stoa.api.model.VersionPolicy;
import dev.stoa.api.train.TrainingService;
import dev.stoa.api.train.TrainingStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.apache.felix.framework.FrameworkFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceEvent;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.launch.Framework;

/**
 * The repository against a real OSGi service registry (an embedded Felix): what it registers, in which order, and the
 * status it reports, as a model goes from untrained to trained to replaced.
 */
class RepositoryTest {

    @TempDir
    Path home;

    private Framework felix;
    private BundleContext context;
    private ModelStore store;
    private final EchoModels echo = new EchoModels();
    /** Service events of echo-* services, in order: {@code REGISTERED echo-tiny-say@2}, ... */
    private final List<String> events = new CopyOnWriteArrayList<>();

    private volatile TrainingService trainer;
    private Repository repository;

    @BeforeEach
    void startFelix() throws Exception {
        Map<String, String> config = new HashMap<>();
        config.put(Constants.FRAMEWORK_STORAGE, home.resolve("felix-cache").toString());
        config.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
        felix = new FrameworkFactory().newFramework(config);
        felix.start();
        context = felix.getBundleContext();
        context.addServiceListener(
                event -> {
                    ServiceReference<?> r = event.getServiceReference();
                    String type = switch (event.getType()) {
                        case ServiceEvent.REGISTERED -> "REGISTERED";
                        case ServiceEvent.UNREGISTERING -> "UNREGISTERING";
                        default -> "MODIFIED";
                    };
                    events.add(type + " " + r.getProperty("stoa.id") + "@"
                            + r.getProperty(ModelRepository.MODEL_VERSION_PROPERTY));
                },
                "(stoa.id=echo-*)");
        store = ModelStore.at(home.toString());
        Files.createDirectories(home.resolve("etc/train"));
        Files.writeString(home.resolve("etc/train/echo-words.yaml"), "name: echo-words\noutput: echo-tiny\n");
    }

    @AfterEach
    void stopFelix() throws Exception {
        if (repository != null) {
            repository.close();
        }
        felix.stop();
        felix.waitForStop(10_000);
    }

    private void start(Settings settings) {
        repository = new Repository(store, home, () -> trainer, settings);
        repository.start();
        repository.addProvider(new ProviderHandle(echo, context, "echo-bundle"));
    }

    private static Settings policy(VersionPolicy policy) {
        return new Settings(policy, Map.of(), 50, 200, true);
    }

    private void publish(String id, boolean broken) throws Exception {
        Path staging = store.newStaging(id);
        Files.writeString(staging.resolve("weights"), "w");
        if (broken) {
            Files.writeString(staging.resolve("broken"), "x");
        }
        store.publish(id, staging);
    }

    @SuppressWarnings("unchecked")
    private String call(String serviceId, String input) throws Exception {
        ServiceReference<?>[] refs =
                context.getServiceReferences(StoaService.class.getName(), "(stoa.id=" + serviceId + ")");
        assertThat(refs).as("registrations of " + serviceId).hasSize(1);
        StoaService<String, String> s = (StoaService<String, String>) context.getService(refs[0]);
        try {
            return s.call(input);
        } finally {
            context.ungetService(refs[0]);
        }
    }

    private ModelInfo model(String id) {
        return repository.model(id).orElseThrow();
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 10_000;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    private int serving(String id) {
        return repository.model(id).map(ModelInfo::servingVersion).orElse(-1);
    }

    private boolean state(String id, ModelState state) {
        return repository.model(id).map(m -> m.status().state() == state).orElse(false);
    }

    @Test
    void anUntrainedShippedModelAnswersUntrainedNamingItsTrainingFile() throws Exception {
        start(policy(VersionPolicy.latest()));
        await("echo-tiny untrained", () -> state("echo-tiny", ModelState.UNTRAINED));

        ModelInfo m = model("echo-tiny");
        assertThat(m.services()).containsExactly("echo-tiny-say");
        assertThat(m.status().trainingFile()).isEqualTo("etc/train/echo-words.yaml");
        assertThat(m.versions()).isEmpty();
        assertThatThrownBy(() -> call("echo-tiny-say", "hello")).isInstanceOfSatisfying(StoaException.class, e -> {
            assertThat(e.code()).isEqualTo(FailureCode.UNTRAINED);
            assertThat(e.getMessage()).contains("bin/stoa train etc/train/echo-words.yaml");
        });
        // the shipped model was opened only to learn its services, and closed again: no random weights stay loaded
        assertThat(echo.log).containsExactly("open 0", "close 0");
    }

    @Test
    void whileARunTrainsItTheStatusAndTheAnswerNameTheRunAndItsProgress() throws Exception {
        trainer = new OneRun(new TrainingStatus(
                "echo-words-1",
                "echo-words",
                "etc/train/echo-words.yaml",
                "echo-tiny",
                "running",
                170,
                3000,
                10,
                420,
                Map.of(),
                Map.of(),
                "data/train/echo-words",
                ""));
        start(policy(VersionPolicy.latest()));
        await("echo-tiny training", () -> state("echo-tiny", ModelState.TRAINING));

        assertThat(model("echo-tiny").status().training().step()).isEqualTo(170);
        assertThatThrownBy(() -> call("echo-tiny-say", "hello")).isInstanceOfSatisfying(StoaException.class, e -> {
            assertThat(e.code()).isEqualTo(FailureCode.UNTRAINED);
            assertThat(e.getMessage()).contains("run echo-words-1, step 170 of 3000, about 420 s left");
        });
    }

    @Test
    void aPublishedVersionIsRegisteredBeforeTheOldOneIsWithdrawnAndClosedAfter() throws Exception {
        start(policy(VersionPolicy.latest()));
        await("echo-tiny untrained", () -> state("echo-tiny", ModelState.UNTRAINED));

        publish("echo-tiny", false);
        await("version 1 serving", () -> serving("echo-tiny") == 1);
        assertThat(call("echo-tiny-say", "hi")).isEqualTo("v1:hi");
        assertThat(model("echo-tiny").status().state()).isEqualTo(ModelState.READY);

        publish("echo-tiny", false);
        await("version 2 serving", () -> serving("echo-tiny") == 2);
        assertThat(call("echo-tiny-say", "hi")).isEqualTo("v2:hi");

        assertThat(events)
                .containsSubsequence(
                        "REGISTERED echo-tiny-say@0",
                        "REGISTERED echo-tiny-say@1",
                        "UNREGISTERING echo-tiny-say@0",
                        "REGISTERED echo-tiny-say@2",
                        "UNREGISTERING echo-tiny-say@1");
        assertThat(events.indexOf("REGISTERED echo-tiny-say@1"))
                .isLessThan(events.indexOf("UNREGISTERING echo-tiny-say@0"));
        assertThat(events.indexOf("REGISTERED echo-tiny-say@2"))
                .isLessThan(events.indexOf("UNREGISTERING echo-tiny-say@1"));
        // opened and warmed up before it served; the old one closed only after it was withdrawn
        assertThat(echo.log).containsSubsequence("open 1", "open 2", "close 1");
        assertThat(echo.warmUps).containsExactly(1, 2);
        assertThat(model("echo-tiny").versions())
                .extracting(v -> v.status().state())
                .containsExactly(ModelState.GONE, ModelState.READY);
    }

    @Test
    void aStoreOnlyModelServesWithNoShippedVariant() throws Exception {
        publish("echo-custom", false);
        start(policy(VersionPolicy.latest()));
        await("echo-custom ready", () -> state("echo-custom", ModelState.READY));
        assertThat(call("echo-custom-say", "x")).isEqualTo("v1:x");
        assertThat(repository.modelOfService("echo-custom-say").map(ModelInfo::id))
                .contains("echo-custom");
    }

    @Test
    void policyAllLoadsEveryVersionEachUnderItsOwnIdAndTheNewestUnderThePlainId() throws Exception {
        publish("echo-tiny", false);
        publish("echo-tiny", false);
        start(policy(new VersionPolicy.All()));
        await(
                "both loaded",
                () -> repository
                        .model("echo-tiny")
                        .map(m -> m.versions().size() == 2
                                && m.versions().stream()
                                        .allMatch(v -> v.status().state() == ModelState.READY))
                        .orElse(false));

        assertThat(call("echo-tiny-say", "a")).isEqualTo("v2:a");
        assertThat(call("echo-tiny-say.v1", "a")).isEqualTo("v1:a");
        assertThat(call("echo-tiny-say.v2", "a")).isEqualTo("v2:a");
    }

    @Test
    void explicitUnloadHandsThePlainIdToThePreviousVersionAndLoadBringsItBack() throws Exception {
        publish("echo-tiny", false);
        publish("echo-tiny", false);
        start(policy(VersionPolicy.latest()));
        await("version 2 serving", () -> serving("echo-tiny") == 2);

        ModelInfo after = repository.unload("echo-tiny", OptionalInt.of(2));
        assertThat(after.servingVersion()).isEqualTo(1);
        assertThat(call("echo-tiny-say", "a")).isEqualTo("v1:a");
        assertThat(events.indexOf("REGISTERED echo-tiny-say@1"))
                .isLessThan(events.indexOf("UNREGISTERING echo-tiny-say@2"));

        assertThat(repository.load("echo-tiny", OptionalInt.of(2)).servingVersion())
                .isEqualTo(2);
        assertThat(call("echo-tiny-say", "a")).isEqualTo("v2:a");

        ModelInfo none = repository.unload("echo-tiny", OptionalInt.empty());
        assertThat(none.status().state()).isEqualTo(ModelState.GONE);
        assertThat(context.getServiceReferences(StoaService.class.getName(), "(stoa.id=echo-tiny-say)"))
                .isNull();
        assertThatThrownBy(() -> repository.load("echo-tiny", OptionalInt.of(7)))
                .isInstanceOfSatisfying(
                        StoaException.class, e -> assertThat(e.code()).isEqualTo(FailureCode.UNKNOWN_SERVICE));
    }

    @Test
    void aVersionThatFailsToOpenIsFailedWithItsReasonWhileThePreviousOneKeepsServing() throws Exception {
        publish("echo-tiny", false);
        start(policy(VersionPolicy.latest()));
        await("version 1 serving", () -> serving("echo-tiny") == 1);

        publish("echo-tiny", true);
        await(
                "version 2 failed",
                () -> model("echo-tiny").versions().size() == 2
                        && model("echo-tiny").versions().get(1).status().state() == ModelState.FAILED);
        assertThat(model("echo-tiny").versions().get(1).status().message()).contains("holds a file 'broken'");
        assertThat(model("echo-tiny").servingVersion()).isEqualTo(1);
        assertThat(call("echo-tiny-say", "a")).isEqualTo("v1:a");
        assertThatThrownBy(() -> repository.load("echo-tiny", OptionalInt.of(2)))
                .isInstanceOfSatisfying(
                        StoaException.class, e -> assertThat(e.code()).isEqualTo(FailureCode.BAD_CONFIG));
    }

    @Test
    void whenTheProviderGoesItsServicesAreWithdrawnAndClosedAndTheModelIsGone() throws Exception {
        publish("echo-tiny", false);
        start(policy(VersionPolicy.latest()));
        await("version 1 serving", () -> serving("echo-tiny") == 1);

        repository.removeProvider(echo);
        assertThat(model("echo-tiny").status().state()).isEqualTo(ModelState.GONE);
        assertThat(model("echo-tiny").status().message()).contains("echo-bundle went away");
        assertThat(context.getServiceReferences(StoaService.class.getName(), "(stoa.id=echo-tiny-say)"))
                .isNull();
        assertThat(echo.log).endsWith("close 1");
    }

    @Test
    void aProviderThatGoesAfterTheRepositoryClosedIsNoError() throws Exception {
        publish("echo-tiny", false);
        start(policy(VersionPolicy.latest()));
        await("version 1 serving", () -> serving("echo-tiny") == 1);

        repository.close();
        repository.removeProvider(echo); // as the framework does when it stops: closed first, then unbound
        assertThat(echo.log).endsWith("close 1");
        repository = null;
    }

    /** The trainer as the repository sees it: one run, training echo-tiny. */
    private record OneRun(TrainingStatus run) implements TrainingService {
        @Override
        public TrainingStatus start(Path file) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<TrainingStatus> runs() {
            return List.of(run);
        }

        @Override
        public Optional<TrainingStatus> run(String id) {
            return Optional.of(run).filter(r -> r.id().equals(id));
        }

        @Override
        public Optional<TrainingStatus> activeFor(String modelId) {
            return Optional.of(run).filter(r -> r.modelId().equals(modelId));
        }

        @Override
        public boolean cancel(String id) {
            return false;
        }
    }
}
