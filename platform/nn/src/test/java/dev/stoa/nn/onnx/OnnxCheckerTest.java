package dev.stoa.nn.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoa.nn.onnx.internal.proto.OnnxProto.GraphProto;
import dev.stoa.nn.onnx.internal.proto.OnnxProto.ModelProto;
import dev.stoa.nn.onnx.internal.proto.OnnxProto.NodeProto;
import dev.stoa.nn.onnx.internal.proto.OnnxProto.TensorProto;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxCheckerTest {

    /** y = relu(x + 1) * w, a valid model. */
    private static ModelProto valid() {
        OnnxGraph g = new OnnxGraph("valid");
        OnnxValue x = g.input("x", OnnxType.FLOAT, "B", 2);
        OnnxValue w = g.initializer("w", new float[] {2f, 3f}, 2);
        g.output(g.mul(g.op("Relu", g.add(x, g.scalar(1f))), w), "y", OnnxType.FLOAT, "B", 2);
        return g.model();
    }

    private static List<String> problems(ModelProto model) {
        return OnnxChecker.problems(model.toByteArray());
    }

    private static ModelProto withGraph(ModelProto model, GraphProto.Builder graph) {
        return model.toBuilder().setGraph(graph).build();
    }

    @Test
    void aBuiltModelHasNoProblem() {
        assertThat(problems(valid())).isEmpty();
        assertThat(OnnxGraph.IR_VERSION).isBetween(3L, OnnxChecker.MAX_IR_VERSION);
    }

    @Test
    void aNodeReadingAnUndefinedTensorOrOutOfOrderIsFound() {
        ModelProto m = valid();
        GraphProto.Builder g = m.getGraph().toBuilder();
        g.setNode(0, g.getNode(0).toBuilder().setInput(0, "nowhere"));
        assertThat(problems(withGraph(m, g))).singleElement().asString().contains("reads nowhere");

        // nodes reversed: the first reads what only a later one writes
        GraphProto.Builder reversed = m.getGraph().toBuilder().clearNode();
        List<NodeProto> nodes = m.getGraph().getNodeList();
        for (int i = nodes.size() - 1; i >= 0; i--) {
            reversed.addNode(nodes.get(i));
        }
        assertThat(problems(withGraph(m, reversed))).isNotEmpty().allMatch(p -> p.contains("earlier node"));
    }

    @Test
    void duplicateOutputsAndUnproducedGraphOutputsAreFound() {
        ModelProto m = valid();
        GraphProto.Builder g = m.getGraph().toBuilder();
        String first = g.getNode(0).getOutput(0);
        g.setNode(1, g.getNode(1).toBuilder().setOutput(0, first));
        assertThat(problems(withGraph(m, g))).anyMatch(p -> p.contains("writes " + first) && p.contains("already"));

        GraphProto.Builder shadow = m.getGraph().toBuilder();
        shadow.setNode(0, shadow.getNode(0).toBuilder().setOutput(0, "x"));
        assertThat(problems(withGraph(m, shadow))).anyMatch(p -> p.contains("writes x, a graph input"));

        GraphProto.Builder noProducer = m.getGraph().toBuilder();
        noProducer.setOutput(0, noProducer.getOutput(0).toBuilder().setName("z"));
        assertThat(problems(withGraph(m, noProducer)))
                .anyMatch(p -> p.contains("graph output z is produced by no node"));
    }

    @Test
    void opsetIrVersionAndInitialiserSizesAreChecked() {
        ModelProto m = valid();
        assertThat(problems(m.toBuilder().clearOpsetImport().build()))
                .singleElement()
                .asString()
                .contains("opset_import");
        assertThat(problems(m.toBuilder().setIrVersion(99).build()))
                .singleElement()
                .asString()
                .contains("ir_version 99");
        GraphProto.Builder g = m.getGraph().toBuilder();
        int w = -1;
        for (int i = 0; i < g.getInitializerCount(); i++) {
            if (g.getInitializer(i).getName().equals("w")) {
                w = i;
            }
        }
        TensorProto wrong = g.getInitializer(w).toBuilder().setDims(0, 3).build();
        g.setInitializer(w, wrong);
        assertThat(problems(withGraph(m, g))).singleElement().asString().contains("initialiser w has 8 bytes");
        assertThat(OnnxChecker.problems(new byte[] {1, 2, 3}))
                .singleElement()
                .asString()
                .contains("not an ONNX");
    }

    @Test
    void aBrokenGraphIsNeverWritten(@TempDir Path dir) throws Exception {
        OnnxGraph g = new OnnxGraph("broken");
        OnnxValue x = g.input("x", OnnxType.FLOAT, 2);
        g.output(g.add(x, new OnnxValue("undefined")), "y", OnnxType.FLOAT, 2);
        Path file = dir.resolve("model.onnx");
        assertThatThrownBy(() -> g.write(file))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("reads undefined");
        assertThat(file).doesNotExist();
        try (var files = Files.list(dir)) {
            assertThat(files).as("no temporary file left behind").isEmpty();
        }

        OnnxGraph ok = new OnnxGraph("ok");
        OnnxValue in = ok.input("x", OnnxType.FLOAT, 2);
        ok.output(ok.op("Relu", in), "y", OnnxType.FLOAT, 2);
        ok.write(file);
        assertThat(OnnxChecker.problems(file)).isEmpty();
        assertThat(Files.readAllBytes(file)).isEqualTo(ok.toBytes());
    }

    @Test
    void namesAreUniqueAndScoped() {
        OnnxGraph g = new OnnxGraph("names");
        try (OnnxGraph.Scope s = g.scope("text")) {
            try (OnnxGraph.Scope t = g.scope("layer_0")) {
                assertThat(g.initializer("w", new float[] {1f}, 1).name()).isEqualTo("text/layer_0/w");
            }
            assertThatThrownBy(() -> {
                        try (OnnxGraph.Scope t = g.scope("layer_0")) {
                            g.initializer("w", new float[] {1f}, 1);
                        }
                    })
                    .hasMessageContaining("already has a tensor named text/layer_0/w");
        }
        assertThat(g.ints(1, 2)).isEqualTo(g.ints(1, 2));
        assertThatThrownBy(() -> g.initializer("bad", new float[] {1f, 2f}, 3))
                .hasMessageContaining("2 values for the shape [3]");
    }
}
