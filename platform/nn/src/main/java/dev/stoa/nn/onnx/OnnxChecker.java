package dev.stoa.nn.onnx;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.stoa.nn.onnx.internal.proto.OnnxProto.GraphProto;
import dev.stoa.nn.onnx.internal.proto.OnnxProto.ModelProto;
import dev.stoa.nn.onnx.internal.proto.OnnxProto.NodeProto;
import dev.stoa.nn.onnx.internal.proto.OnnxProto.OperatorSetIdProto;
import dev.stoa.nn.onnx.internal.proto.OnnxProto.TensorProto;
import dev.stoa.nn.onnx.internal.proto.OnnxProto.ValueInfoProto;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The structural rules of ONNX's checker that ONNX Runtime enforces when it loads a model, checked on the bytes of
 * a model (so also on a file written by another tool):
 *
 * <ul>
 *   <li>an IR version from 3 to {@value #MAX_IR_VERSION} and an opset import of the default domain;
 *   <li>a graph with a name; every graph input and output has a tensor type with an element type;
 *   <li>graph inputs and initialisers have unique names;
 *   <li>nodes in topological order: every (non-empty) input of a node is a graph input, an initialiser or an
 *       output of an earlier node;
 *   <li>every node has an operator type, and each output name is produced once in the graph (never an input's or
 *       an initialiser's name);
 *   <li>every graph output is produced by a node, or is a graph input or initialiser;
 *   <li>an initialiser's raw data has the size its dimensions and element type say.
 * </ul>
 */
public final class OnnxChecker {

    /** The highest IR version ONNX Runtime 1.21 loads. */
    public static final long MAX_IR_VERSION = 10;

    private static final Map<Integer, Integer> ELEMENT_SIZES =
            Map.of(1, 4, 2, 1, 3, 1, 4, 2, 5, 2, 6, 4, 7, 8, 9, 1, 10, 2, 11, 8);

    private OnnxChecker() {}

    /**
     * @param model the bytes of an ONNX model
     * @return each rule it breaks, in words naming the tensor or node; empty if none
     */
    public static List<String> problems(byte[] model) {
        ModelProto proto;
        try {
            proto = ModelProto.parseFrom(model);
        } catch (InvalidProtocolBufferException e) {
            return List.of("not an ONNX model (protobuf ModelProto): " + e.getMessage());
        }
        return problems(proto);
    }

    /**
     * @param file an ONNX file
     * @return each rule it breaks; empty if none
     * @throws IOException if it cannot be read
     */
    public static List<String> problems(Path file) throws IOException {
        return problems(Files.readAllBytes(file));
    }

    /**
     * @param model the bytes of an ONNX model
     * @throws IllegalStateException listing every rule it breaks
     */
    public static void checkOrThrow(byte[] model) {
        List<String> problems = problems(model);
        if (!problems.isEmpty()) {
            throw new IllegalStateException(
                    "the ONNX model breaks " + problems.size() + " rule(s) ONNX Runtime enforces: " + problems);
        }
    }

    static List<String> problems(ModelProto model) {
        List<String> problems = new ArrayList<>();
        if (model.getIrVersion() < 3 || model.getIrVersion() > MAX_IR_VERSION) {
            problems.add("ir_version " + model.getIrVersion() + " is not in 3.." + MAX_IR_VERSION);
        }
        boolean defaultDomain = false;
        for (OperatorSetIdProto opset : model.getOpsetImportList()) {
            if ((opset.getDomain().isEmpty() || opset.getDomain().equals("ai.onnx")) && opset.getVersion() > 0) {
                defaultDomain = true;
            }
        }
        if (!defaultDomain) {
            problems.add("no opset_import for the default domain (\"\" with a version)");
        }
        if (!model.hasGraph()) {
            problems.add("no graph");
            return problems;
        }
        GraphProto graph = model.getGraph();
        if (graph.getName().isEmpty()) {
            problems.add("the graph has no name");
        }
        Set<String> defined = new HashSet<>();
        for (ValueInfoProto input : graph.getInputList()) {
            checkType(input, "graph input", problems);
            if (!defined.add(input.getName())) {
                problems.add("graph input " + input.getName() + " is declared twice");
            }
        }
        Set<String> inputNames = new HashSet<>(defined);
        Set<String> initializerNames = new HashSet<>();
        for (TensorProto t : graph.getInitializerList()) {
            if (t.getName().isEmpty()) {
                problems.add("an initialiser has no name");
            }
            if (!initializerNames.add(t.getName())) {
                problems.add("initialiser " + t.getName() + " is declared twice");
            }
            defined.add(t.getName());
            checkData(t, problems);
        }
        int index = 0;
        for (NodeProto node : graph.getNodeList()) {
            String label =
                    "node " + index + " (" + (node.getName().isEmpty() ? node.getOpType() : node.getName()) + ")";
            if (node.getOpType().isEmpty()) {
                problems.add(label + " has no op_type");
            }
            for (String in : node.getInputList()) {
                if (!in.isEmpty() && !defined.contains(in)) {
                    problems.add(label + " reads " + in
                            + ", which is no graph input, initialiser or output of an earlier node");
                }
            }
            for (String out : node.getOutputList()) {
                if (out.isEmpty()) {
                    continue;
                }
                if (inputNames.contains(out) || initializerNames.contains(out)) {
                    problems.add(label + " writes " + out + ", a graph input's or initialiser's name");
                } else if (!defined.add(out)) {
                    problems.add(label + " writes " + out + ", which an earlier node already produces");
                }
            }
            index++;
        }
        Set<String> outputNames = new HashSet<>();
        for (ValueInfoProto output : graph.getOutputList()) {
            checkType(output, "graph output", problems);
            if (!outputNames.add(output.getName())) {
                problems.add("graph output " + output.getName() + " is declared twice");
            }
            if (!defined.contains(output.getName())) {
                problems.add("graph output " + output.getName() + " is produced by no node");
            }
        }
        if (graph.getOutputCount() == 0) {
            problems.add("the graph has no output");
        }
        return problems;
    }

    private static void checkType(ValueInfoProto value, String what, List<String> problems) {
        if (value.getName().isEmpty()) {
            problems.add("a " + what + " has no name");
        }
        if (!value.hasType() || !value.getType().hasTensorType()) {
            problems.add(what + " " + value.getName() + " has no tensor type");
        } else if (value.getType().getTensorType().getElemType() == 0) {
            problems.add(what + " " + value.getName() + " has no element type");
        }
    }

    private static void checkData(TensorProto t, List<String> problems) {
        Integer size = ELEMENT_SIZES.get(t.getDataType());
        if (t.getDataType() == 0) {
            problems.add("initialiser " + t.getName() + " has no data_type");
            return;
        }
        if (size == null || !t.hasRawData()) {
            return;
        }
        long count = 1;
        for (long d : t.getDimsList()) {
            count *= d;
        }
        if (t.getRawData().size() != count * size) {
            problems.add("initialiser " + t.getName() + " has " + t.getRawData().size() + " bytes of raw data where"
                    + " its dimensions " + t.getDimsList() + " need " + count * size);
        }
    }
}
