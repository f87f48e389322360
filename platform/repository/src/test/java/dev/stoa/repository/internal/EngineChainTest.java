package dev.stoa.repository.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import dev.stoa.api.engine.EngineChoice;
import dev.stoa.api.engine.EngineOptions;
import dev.stoa.api.engine.EngineSession;
import dev.stoa.api.engine.InferenceEngine;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The walk along an engine chain, with engines that are missing, unavailable, graph-less or failing. */
class EngineChainTest {

    /** An engine that is available unless given a reason. */
    private record Engine(String name, String unavailable) implements InferenceEngine {
        @Override
        public Optional<String> unavailableReason() {
            return Optional.ofNullable(unavailable);
        }

        @Override
        public EngineSession open(Path graph, EngineOptions options) {
            throw new UnsupportedOperationException("the walk opens through Attempts");
        }
    }

    /** The world of one walk: which engines exist, whether graphs exist, which openings fail; what was opened. */
    private static final class World implements EngineChain.Attempts<String> {
        final Map<String, InferenceEngine> engines;
        String missingGraphs;
        final List<String> failing = new ArrayList<>();
        final List<String> opened = new ArrayList<>();

        World(InferenceEngine... engines) {
            Map<String, InferenceEngine> m = new java.util.HashMap<>();
            for (InferenceEngine e : engines) {
                m.put(e.name(), e);
            }
            this.engines = m;
        }

        @Override
        public Optional<InferenceEngine> engine(String name) {
            return Optional.ofNullable(engines.get(name));
        }

        @Override
        public Optional<String> missingGraphs() {
            return Optional.ofNullable(missingGraphs);
        }

        @Override
        public String openPytorch(EngineChoice choice) {
            return open("pytorch");
        }

        @Override
        public String openOn(InferenceEngine engine, EngineChoice choice) {
            return open(engine.name());
        }

        private String open(String name) {
            opened.add(name);
            if (failing.contains(name)) {
                throw new StoaException(FailureCode.UNAVAILABLE, name + " cannot read the file");
            }
            return "model on " + name;
        }
    }

    private static final String TRT_MISSING = "libnvinfer.so.11 not found in /usr/lib/x86_64-linux-gnu (set"
            + " libraryPath in etc/dev.stoa.tensorrt.cfg)";

    @Test
    void theFirstEngineThatCanServeWinsAndTheReasonNamesEachOneSkipped() throws Exception {
        World w = new World(new Engine("tensorrt", TRT_MISSING), new Engine("onnxruntime-cpu", null));
        EngineChain chain = EngineChain.parse("tensorrt, onnxruntime-cpu, pytorch", "test");

        EngineChain.Chosen<String> c = chain.choose(w);

        assertThat(c.value()).isEqualTo("model on onnxruntime-cpu");
        assertThat(c.choice().engine()).isEqualTo("onnxruntime-cpu");
        assertThat(c.choice().reason())
                .isEqualTo("tensorrt unavailable: " + TRT_MISSING + "; serving on onnxruntime-cpu");
        assertThat(w.opened).containsExactly("onnxruntime-cpu");
    }

    @Test
    void theFirstEngineSaysItIsTheChainsFirst() throws Exception {
        World w = new World(new Engine("onnxruntime-cpu", null));
        EngineChain.Chosen<String> c =
                EngineChain.parse("onnxruntime-cpu,pytorch", "test").choose(w);
        assertThat(c.choice())
                .isEqualTo(new EngineChoice("onnxruntime-cpu", "first of the chain onnxruntime-cpu, pytorch"));

        EngineChain.Chosen<String> alone = EngineChain.PYTORCH_ONLY.choose(new World());
        assertThat(alone.choice()).isEqualTo(new EngineChoice("pytorch", "the only engine of the chain"));
    }

    @Test
    void anEngineNoBundleRegistersIsSkippedAsNotInstalled() throws Exception {
        EngineChain.Chosen<String> c =
                EngineChain.parse("tensorrt, pytorch", "test").choose(new World());
        assertThat(c.choice().engine()).isEqualTo("pytorch");
        assertThat(c.choice().reason())
                .isEqualTo("tensorrt not installed (no bundle registers an engine of that name); serving on pytorch");
    }

    @Test
    void withoutAnExportedGraphTheGraphEnginesAreSkippedAndPytorchServes() throws Exception {
        World w = new World(new Engine("onnxruntime-cpu", null));
        w.missingGraphs = "no model.onnx in /data/models/clip-tiny/1 (export failed: no ONNX form for Conv3d)";
        EngineChain.Chosen<String> c =
                EngineChain.parse("onnxruntime-cpu, pytorch", "test").choose(w);
        assertThat(c.choice().engine()).isEqualTo("pytorch");
        assertThat(c.choice().reason())
                .startsWith("onnxruntime-cpu has no graph to run: no model.onnx in ")
                .contains("Conv3d");
        assertThat(w.opened).containsExactly("pytorch");
    }

    @Test
    void anEngineThatFailsToOpenTheGraphIsPassedOverWithItsMessage() throws Exception {
        World w = new World(new Engine("onnxruntime-cpu", null));
        w.failing.add("onnxruntime-cpu");
        EngineChain.Chosen<String> c =
                EngineChain.parse("onnxruntime-cpu, pytorch", "test").choose(w);
        assertThat(c.choice().engine()).isEqualTo("pytorch");
        assertThat(c.choice().reason())
                .isEqualTo("onnxruntime-cpu failed to open the graphs: onnxruntime-cpu cannot read the file;"
                        + " serving on pytorch");
        assertThat(w.opened).containsExactly("onnxruntime-cpu", "pytorch");
    }

    @Test
    void whenNoEngineCanServeTheFailureListsEveryReason() {
        World w = new World(new Engine("tensorrt", TRT_MISSING));
        w.failing.add("pytorch");
        assertThatThrownBy(() -> EngineChain.parse("tensorrt, onnxruntime-cpu, pytorch", "test")
                        .choose(w))
                .isInstanceOfSatisfying(
                        StoaException.class, e -> assertThat(e.code()).isEqualTo(FailureCode.UNAVAILABLE))
                .hasMessageContaining("tensorrt unavailable: libnvinfer.so.11")
                .hasMessageContaining("onnxruntime-cpu not installed")
                .hasMessageContaining("pytorch failed to open: pytorch cannot read the file");
    }

    @Test
    void aChainOfPytorchAloneFailsWithTheModelsOwnFailure() {
        World w = new World();
        w.failing.add("pytorch");
        assertThatThrownBy(() -> EngineChain.PYTORCH_ONLY.choose(w))
                .isInstanceOf(StoaException.class)
                .hasMessage("pytorch cannot read the file");
    }

    @Test
    void aChainIsParsedOrRefusedNamingTheSetting() {
        assertThat(EngineChain.parse(" TensorRT , onnxruntime-cpu,,pytorch ", "engine")
                        .engines())
                .containsExactly("tensorrt", "onnxruntime-cpu", "pytorch");
        assertThatThrownBy(() -> EngineChain.parse(" , ", "engine in etc/dev.stoa.repository.cfg"))
                .hasMessageStartingWith("engine in etc/dev.stoa.repository.cfg is empty");
        assertThatThrownBy(() -> EngineChain.parse("pytorch, pytorch", "engine"))
                .hasMessageContaining("'pytorch' appears twice");
        assertThatThrownBy(() -> EngineChain.parse("onnx runtime", "engine"))
                .hasMessageContaining("'onnx runtime' is not an engine name");
        assertThat(EngineSettings.chains(new String[] {"clip-tiny=tensorrt, pytorch; gpt-tiny = onnxruntime-cpu"}))
                .containsEntry("clip-tiny", EngineChain.parse("tensorrt,pytorch", "x"))
                .containsEntry("gpt-tiny", EngineChain.parse("onnxruntime-cpu", "x"));
        assertThatThrownBy(() -> EngineSettings.chains(new String[] {"clip-tiny"}))
                .hasMessageContaining("write model=chain entries");
    }
}
