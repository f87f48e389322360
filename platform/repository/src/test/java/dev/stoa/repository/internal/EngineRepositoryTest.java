package dev.stoa.repository.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import dev.stoa.api.StoaService;
import dev.stoa.api.engine.EngineChoice;
import dev.stoa.api.engine.EngineGraphs;
import dev.stoa.api.engine.EngineOptions;
import dev.stoa.api.engine.EngineSession;
import dev.stoa.api.engine.HostTensor;
import dev.stoa.api.engine.InferenceEngine;
import dev.stoa.api.engine.OnnxExport;
import dev.stoa.api.model.ModelInfo;
import dev.stoa.api.model.ModelProvider;
import dev.stoa.api.model.ModelService;
import dev.stoa.api.model.ModelSource;
import dev.stoa.api.model.ModelStore;
import dev.stoa.api.model.ModelVersionInfo;
import dev.stoa.api.model.OpenedModel;
import dev.stoa.api.model.VersionPolicy;
import dev.stoa.api.tensor.TensorSignature;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.apache.felix.framework.FrameworkFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.launch.Framework;

/**
 * Engine choice and export in the repository, against a real OSGi registry: a version is exported when first
 * opened, served on the first engine of its chain that can, reported with the reason, moved to a better engine when
 * one registers later, and exported again on demand; an export that fails is shown and pytorch serves.
 */
class EngineRepositoryTest {

    @TempDir
    Path home;

    private Framework felix;
    private BundleContext context;
    private ModelStore store;
    private Repository repository;
    private final Map<String, InferenceEngine> engines = new ConcurrentHashMap<>();
    private final Models models = new Models();

    /**
     * Opens {@code graph-*} models: on pytorch its service answers {@code pytorch:<input>}; on an engine's session,
     * {@code <engine>:<the graph file's text>:<input>}. Its pytorch model exports {@code model.onnx} holding the
     * version, unless the version folder holds {@code no-export}.
     */
    private static final class Models implements ModelProvider {
        final List<String> log = new CopyOnWriteArrayList<>();

        @Override
        public boolean handles(String modelId) {
            return modelId.startsWith("graph-");
        }

        @Override
        public Set<String> shipped() {
            return Set.of();
        }

        @Override
        public OpenedModel open(ModelSource source) {
            log.add("open pytorch " + source.version());
            OpenedModel plain = OpenedModel.of(
                    List.of(ModelService.of(source.modelId() + "-say", "model", say(in -> "pytorch:" + in))),
                    () -> log.add("close pytorch " + source.version()));
            return new ExportingModel(plain, source);
        }

        @Override
        public OpenedModel open(ModelSource source, EngineGraphs graphs) {
            graphs.require("model");
            EngineSession session = graphs.session("model");
            log.add("open " + graphs.choice().engine() + " " + source.version());
            return OpenedModel.of(
                    List.of(ModelService.of(source.modelId() + "-say", "model", say(in -> {
                        try {
                            HostTensor t = session.run(Map.of()).get("text");
                            return session.engine() + ":" + new String(bytes(t), StandardCharsets.UTF_8).trim() + ":"
                                    + in;
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    }))),
                    () -> log.add("close " + graphs.choice().engine() + " " + source.version()));
        }
    }

    private record ExportingModel(OpenedModel plain, ModelSource source) implements OpenedModel, OnnxExport {
        @Override
        public List<ModelService> services() {
            return plain.services();
        }

        @Override
        public void close() {
            plain.close();
        }

        @Override
        public Map<String, Path> exportOnnx(Path folder) throws Exception {
            if (Files.exists(folder.resolve("no-export"))) {
                throw new StoaException(FailureCode.UNAVAILABLE, "the block Conv3d has no ONNX form");
            }
            Path f = Files.writeString(folder.resolve("model.onnx"), "graph of v" + source.version());
            return Map.of("model", f);
        }
    }

    /** An engine whose "graph" is a text file; its session answers the file's bytes as one INT32 tensor. */
    private record TextEngine(String name, String unavailable) implements InferenceEngine {
        @Override
        public Optional<String> unavailableReason() {
            return Optional.ofNullable(unavailable);
        }

        @Override
        public EngineSession open(Path graph, EngineOptions options) throws Exception {
            byte[] text = Files.readAllBytes(graph);
            byte[] padded = java.util.Arrays.copyOf(text, (text.length + 3) / 4 * 4);
            String engine = name;
            return new EngineSession() {
                @Override
                public String engine() {
                    return engine;
                }

                @Override
                public List<TensorSignature.Tensor> inputs() {
                    return List.of();
                }

                @Override
                public List<TensorSignature.Tensor> outputs() {
                    return List.of();
                }

                @Override
                public Map<String, HostTensor> run(Map<String, HostTensor> inputs) {
                    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocateDirect(padded.length);
                    b.put(padded).flip();
                    return Map.of("text", new HostTensor("INT32", new long[] {padded.length / 4}, b));
                }

                @Override
                public void close() {}
            };
        }
    }

    private static byte[] bytes(HostTensor t) {
        java.nio.ByteBuffer b = t.data();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        int n = out.length;
        while (n > 0 && out[n - 1] == 0) {
            n--;
        }
        return java.util.Arrays.copyOf(out, n);
    }

    private static StoaService<String, String> say(java.util.function.UnaryOperator<String> answer) {
        return new StoaService<>() {
            @Override
            public Class<String> inputType() {
                return String.class;
            }

            @Override
            public Class<String> outputType() {
                return String.class;
            }

            @Override
            public String call(String input) {
                return answer.apply(input);
            }
        };
    }

    @BeforeEach
    void startFelix() throws Exception {
        Map<String, String> config = new HashMap<>();
        config.put(Constants.FRAMEWORK_STORAGE, home.resolve("felix-cache").toString());
        config.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
        felix = new FrameworkFactory().newFramework(config);
        felix.start();
        context = felix.getBundleContext();
        store = ModelStore.at(home.toString());
    }

    @AfterEach
    void stopFelix() throws Exception {
        if (repository != null) {
            repository.close();
        }
        felix.stop();
        felix.waitForStop(10_000);
    }

    private void start(String chain, boolean exportOnnx) {
        Settings settings = new Settings(VersionPolicy.latest(), Map.of(), 50, 200, false)
                .withEngines(
                        EngineChain.PYTORCH_ONLY, Map.of("graph-tiny", EngineChain.parse(chain, "test")), exportOnnx);
        repository = new Repository(store, home, () -> null, settings, name -> Optional.ofNullable(engines.get(name)));
        repository.start();
        repository.addProvider(new ProviderHandle(models, context, "graph-bundle"));
    }

    private void publish(String id, String... files) throws Exception {
        Path staging = store.newStaging(id);
        Files.writeString(staging.resolve("weights"), "w");
        for (String f : files) {
            Files.writeString(staging.resolve(f), "x");
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

    private ModelVersionInfo version(int n) {
        ModelInfo m = repository.model("graph-tiny").orElseThrow();
        return m.versions().stream().filter(v -> v.number() == n).findFirst().orElseThrow();
    }

    private Optional<EngineChoice> serving() {
        return repository.model("graph-tiny").flatMap(ModelInfo::servingEngine);
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

    @Test
    void aPublishedVersionIsExportedAndServedOnTheFirstEngineThatCanWithTheReason() throws Exception {
        engines.put("tensorrt", new TextEngine("tensorrt", "libnvinfer.so.11 not found in /usr/lib"));
        engines.put("onnxruntime-cpu", new TextEngine("onnxruntime-cpu", null));
        start("tensorrt, onnxruntime-cpu, pytorch", true);
        publish("graph-tiny");

        await("an engine serves", () -> serving().isPresent());

        assertThat(serving().get())
                .isEqualTo(new EngineChoice(
                        "onnxruntime-cpu",
                        "tensorrt unavailable: libnvinfer.so.11 not found in /usr/lib; serving on onnxruntime-cpu"));
        assertThat(version(1).export()).isEqualTo("exported: model.onnx");
        assertThat(store.root().resolve("graph-tiny/1/model.onnx")).hasContent("graph of v1");
        assertThat(call("graph-tiny-say", "hi")).isEqualTo("onnxruntime-cpu:graph of v1:hi");
        // the pytorch model opened for the export is closed once the engine's model serves
        assertThat(models.log).containsExactly("open pytorch 1", "open onnxruntime-cpu 1", "close pytorch 1");
    }

    @Test
    void aFailedExportIsShownAndPytorchServesSayingWhy() throws Exception {
        engines.put("onnxruntime-cpu", new TextEngine("onnxruntime-cpu", null));
        start("onnxruntime-cpu, pytorch", true);
        publish("graph-tiny", "no-export");

        await("an engine serves", () -> serving().isPresent());

        assertThat(version(1).export()).isEqualTo("failed: the block Conv3d has no ONNX form");
        assertThat(serving().get().engine()).isEqualTo("pytorch");
        assertThat(serving().get().reason())
                .startsWith("onnxruntime-cpu has no graph to run: no model.onnx or model.<graph>.onnx in ")
                .contains("(export failed: the block Conv3d has no ONNX form)")
                .endsWith("; serving on pytorch");
        assertThat(call("graph-tiny-say", "hi")).isEqualTo("pytorch:hi");
        // the model opened for the export is the one that serves: opened once
        assertThat(models.log).containsExactly("open pytorch 1");
    }

    @Test
    void anEngineThatRegistersLaterTakesOverTheServedVersion() throws Exception {
        start("onnxruntime-cpu, pytorch", true);
        publish("graph-tiny");
        await(
                "pytorch serves",
                () -> serving().map(c -> c.engine().equals("pytorch")).orElse(false));
        assertThat(serving().get().reason())
                .isEqualTo("onnxruntime-cpu not installed (no bundle registers an engine of that name); serving on"
                        + " pytorch");
        assertThat(call("graph-tiny-say", "hi")).isEqualTo("pytorch:hi");

        engines.put("onnxruntime-cpu", new TextEngine("onnxruntime-cpu", null));
        repository.reconsiderEngines();

        await(
                "onnxruntime-cpu serves",
                () -> serving().map(c -> c.engine().equals("onnxruntime-cpu")).orElse(false));
        assertThat(serving().get().reason()).isEqualTo("first of the chain onnxruntime-cpu, pytorch");
        assertThat(call("graph-tiny-say", "hi")).isEqualTo("onnxruntime-cpu:graph of v1:hi");
        await("the pytorch model closed", () -> models.log.contains("close pytorch 1"));
    }

    @Test
    void theExportCommandWritesTheGraphsOfAVersion() throws Exception {
        start("pytorch", false);
        publish("graph-tiny");
        await("pytorch serves", () -> serving().isPresent());
        assertThat(store.root().resolve("graph-tiny/1/model.onnx")).doesNotExist();
        assertThat(version(1).export()).isNull();

        ExportCommand command = new ExportCommand(repository::export);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = command.run(List.of("graph-tiny"), new PrintStream(out, true), new PrintStream(err, true));

        assertThat(status).as(err.toString()).isEqualTo(0);
        assertThat(out.toString()).isEqualTo("model\t" + store.root().resolve("graph-tiny/1/model.onnx") + "\n");
        assertThat(store.root().resolve("graph-tiny/1/model.onnx")).hasContent("graph of v1");
        assertThat(version(1).export()).isEqualTo("exported: model.onnx");

        ByteArrayOutputStream err2 = new ByteArrayOutputStream();
        assertThat(command.run(
                        List.of("graph-tiny", "7"),
                        new PrintStream(new ByteArrayOutputStream()),
                        new PrintStream(err2, true)))
                .isEqualTo(1);
        assertThat(err2.toString()).contains("UNKNOWN_SERVICE").contains("has no published version 7");
        assertThat(command.run(List.of(), new PrintStream(new ByteArrayOutputStream()), new PrintStream(err2, true)))
                .isEqualTo(2);
    }

    @Test
    void aVersionWhoseExportFailedMovesOntoTheEngineOnceBinStoaExportWritesItsGraphs() throws Exception {
        engines.put("onnxruntime-cpu", new TextEngine("onnxruntime-cpu", null));
        start("onnxruntime-cpu, pytorch", true);
        publish("graph-tiny", "no-export");
        await(
                "pytorch serves",
                () -> serving().map(c -> c.engine().equals("pytorch")).orElse(false));
        // an engine event does not reopen a version that has no graph
        repository.reconsiderEngines();
        Thread.sleep(300);
        assertThat(models.log).containsExactly("open pytorch 1");

        Files.delete(store.root().resolve("graph-tiny/1/no-export"));
        ExportCommand command = new ExportCommand(repository::export);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertThat(command.run(
                        List.of("graph-tiny", "1"),
                        new PrintStream(new ByteArrayOutputStream()),
                        new PrintStream(err, true)))
                .as(err.toString())
                .isEqualTo(0);

        await(
                "onnxruntime-cpu serves",
                () -> serving().map(c -> c.engine().equals("onnxruntime-cpu")).orElse(false));
        assertThat(version(1).export()).isEqualTo("exported: model.onnx");
        assertThat(call("graph-tiny-say", "hi")).isEqualTo("onnxruntime-cpu:graph of v1:hi");
    }
}
