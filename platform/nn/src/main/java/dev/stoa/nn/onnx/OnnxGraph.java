package dev.stoa.nn.onnx;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import com.google.protobuf.ByteString;
import dev.stoa.nn.onnx.internal.proto.OnnxProto.AttributeProto;
import dev.stoa.nn.onnx.internal.proto.OnnxProto.GraphProto;
import dev.stoa.nn.onnx.internal.proto.OnnxProto.ModelProto;
import dev.stoa.nn.onnx.internal.proto.OnnxProto.NodeProto;
import dev.stoa.nn.onnx.internal.proto.OnnxProto.OperatorSetIdProto;
import dev.stoa.nn.onnx.internal.proto.OnnxProto.TensorProto;
import dev.stoa.nn.onnx.internal.proto.OnnxProto.TensorShapeProto;
import dev.stoa.nn.onnx.internal.proto.OnnxProto.TypeProto;
import dev.stoa.nn.onnx.internal.proto.OnnxProto.ValueInfoProto;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds one ONNX model (default domain, opset {@value #OPSET}, IR version {@value #IR_VERSION}, what ONNX Runtime
 * 1.21 loads): graph inputs, initialisers (the trained parameters, copied from DJL arrays), nodes and graph outputs.
 *
 * <p>Names: a node's output is named after the current {@linkplain #scope(String) scope} and its operator
 * ({@code text/layer_0/attention/MatMul_12}), so a file's tensors say which block made them. Initialisers take the
 * scope too ({@code text/layer_0/attention/query/weight}).
 *
 * <p>{@link #toBytes()} and {@link #write(Path)} run {@link OnnxChecker} first: a graph that ONNX Runtime would
 * refuse to load is never written. Not thread-safe: one builder per export.
 */
public final class OnnxGraph {

    /** The opset of the default domain the graphs are written in (LayerNormalization exists from 17). */
    public static final int OPSET = 17;
    /** The IR version of opset 17 (ONNX 1.12), loaded by every ONNX Runtime from 1.12 on. */
    public static final long IR_VERSION = 8;

    private final String name;
    private final List<ValueInfoProto> inputs = new ArrayList<>();
    private final List<ValueInfoProto> outputs = new ArrayList<>();
    private final List<TensorProto> initializers = new ArrayList<>();
    private final List<NodeProto> nodes = new ArrayList<>();
    private final Set<String> names = new HashSet<>();
    private final Map<String, OnnxValue> constants = new HashMap<>();
    private final Deque<String> scopes = new ArrayDeque<>();
    private int counter;
    private String docString = "";

    /** @param name the graph's name (e.g. {@code clip-tiny/image}) */
    public OnnxGraph(String name) {
        this.name = name;
    }

    /** @return the graph's name */
    public String name() {
        return name;
    }

    /**
     * @param docString a description stored in the model (what it is, where it came from)
     * @return this graph
     */
    public OnnxGraph docString(String docString) {
        this.docString = docString == null ? "" : docString;
        return this;
    }

    /**
     * Opens a naming scope: names made until the returned handle is closed start with it (nested scopes join with
     * {@code /}).
     *
     * @param scope e.g. {@code layer_0}
     * @return closes the scope
     */
    public Scope scope(String scope) {
        scopes.addLast(scope);
        return scopes::removeLast;
    }

    /** A naming scope, closed with try-with-resources. */
    @FunctionalInterface
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }

    private String scoped(String local) {
        return scopes.isEmpty() ? local : String.join("/", scopes) + "/" + local;
    }

    private String claim(String candidate) {
        if (!names.add(candidate)) {
            throw new IllegalArgumentException("the graph " + name + " already has a tensor named " + candidate);
        }
        return candidate;
    }

    private String fresh(String op) {
        String n;
        do {
            n = scoped(op + "_" + counter++);
        } while (names.contains(n));
        return claim(n);
    }

    /**
     * Declares a graph input.
     *
     * @param inputName its name, as callers of the model pass it (not scoped)
     * @param type its element type
     * @param dims each dimension: a number (fixed) or a string (symbolic, e.g. {@code "batch"})
     * @return the input
     */
    public OnnxValue input(String inputName, OnnxType type, Object... dims) {
        inputs.add(valueInfo(claim(inputName), type, dims));
        return new OnnxValue(inputName);
    }

    /**
     * Declares a graph output; where {@code value} has another name, an Identity node gives it this one.
     *
     * @param value what the graph computes
     * @param outputName its name, as callers of the model read it
     * @param type its element type
     * @param dims each dimension: a number or a symbolic name
     * @return the output
     */
    public OnnxValue output(OnnxValue value, String outputName, OnnxType type, Object... dims) {
        if (!value.name().equals(outputName)) {
            claim(outputName);
            nodes.add(NodeProto.newBuilder()
                    .setName(outputName + "/Identity")
                    .setOpType("Identity")
                    .addInput(value.name())
                    .addOutput(outputName)
                    .build());
        }
        outputs.add(valueInfo(outputName, type, dims));
        return new OnnxValue(outputName);
    }

    private static ValueInfoProto valueInfo(String valueName, OnnxType type, Object... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (Object d : dims) {
            TensorShapeProto.Dimension.Builder dim = TensorShapeProto.Dimension.newBuilder();
            if (d instanceof Number n) {
                dim.setDimValue(n.longValue());
            } else if (d instanceof String s) {
                dim.setDimParam(s);
            } else {
                throw new IllegalArgumentException("a dimension is a number or a symbolic name, got " + d);
            }
            shape.addDim(dim);
        }
        return ValueInfoProto.newBuilder()
                .setName(valueName)
                .setType(TypeProto.newBuilder()
                        .setTensorType(TypeProto.Tensor.newBuilder()
                                .setElemType(type.code())
                                .setShape(shape)))
                .build();
    }

    /**
     * Adds an initialiser with the values of a DJL array (a trained parameter): FLOAT32 (and FLOAT16, FLOAT64,
     * which are stored as FLOAT), INT32, INT64 and BOOLEAN arrays.
     *
     * @param localName its name within the current scope
     * @param array the values and shape
     * @return the initialiser
     */
    public OnnxValue initializer(String localName, NDArray array) {
        long[] shape = array.getShape().getShape();
        DataType type = array.getDataType();
        return switch (type) {
            case FLOAT32, FLOAT16, FLOAT64, BFLOAT16 ->
                initializer(localName, array.toType(DataType.FLOAT32, false).toFloatArray(), shape);
            case INT64 -> initializer(localName, array.toLongArray(), shape);
            case INT32 -> initializer(localName, toLongs(array.toIntArray()), shape);
            case BOOLEAN -> booleans(localName, array.toBooleanArray(), shape);
            default ->
                throw new IllegalArgumentException(
                        "cannot store a " + type + " array as an ONNX initialiser (" + scoped(localName) + ")");
        };
    }

    private static long[] toLongs(int[] values) {
        return Arrays.stream(values).asLongStream().toArray();
    }

    /**
     * @param localName its name within the current scope
     * @param values the values, row-major
     * @param shape the shape
     * @return a FLOAT initialiser
     */
    public OnnxValue initializer(String localName, float[] values, long... shape) {
        checkCount(localName, values.length, shape);
        ByteBuffer raw = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        raw.asFloatBuffer().put(values);
        return addTensor(localName, OnnxType.FLOAT, raw.array(), shape);
    }

    /**
     * @param localName its name within the current scope
     * @param values the values, row-major
     * @param shape the shape
     * @return an INT64 initialiser
     */
    public OnnxValue initializer(String localName, long[] values, long... shape) {
        checkCount(localName, values.length, shape);
        ByteBuffer raw = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        raw.asLongBuffer().put(values);
        return addTensor(localName, OnnxType.INT64, raw.array(), shape);
    }

    private OnnxValue booleans(String localName, boolean[] values, long... shape) {
        checkCount(localName, values.length, shape);
        byte[] raw = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            raw[i] = (byte) (values[i] ? 1 : 0);
        }
        return addTensor(localName, OnnxType.BOOL, raw, shape);
    }

    private void checkCount(String localName, int count, long... shape) {
        long expected = 1;
        for (long d : shape) {
            expected *= d;
        }
        if (expected != count) {
            throw new IllegalArgumentException("initialiser " + scoped(localName) + " has " + count
                    + " values for the shape " + Arrays.toString(shape));
        }
    }

    private OnnxValue addTensor(String localName, OnnxType type, byte[] raw, long... shape) {
        String tensorName = claim(scoped(localName));
        TensorProto.Builder t = TensorProto.newBuilder()
                .setName(tensorName)
                .setDataType(type.code())
                .setRawData(ByteString.copyFrom(raw));
        for (long d : shape) {
            t.addDims(d);
        }
        initializers.add(t.build());
        return new OnnxValue(tensorName);
    }

    /**
     * @param values the values
     * @return a 1-D INT64 constant (shapes, axes, indices), shared by every use of the same values
     */
    public OnnxValue ints(long... values) {
        String key = "i64" + Arrays.toString(values);
        OnnxValue known = constants.get(key);
        if (known == null) {
            known = constantTensor("ints", values, values.length);
            constants.put(key, known);
        }
        return known;
    }

    /**
     * @param value the value
     * @return a 0-D INT64 constant
     */
    public OnnxValue scalar(long value) {
        String key = "i64:" + value;
        OnnxValue known = constants.get(key);
        if (known == null) {
            known = constantTensor("int", new long[] {value});
            constants.put(key, known);
        }
        return known;
    }

    /**
     * @param value the value
     * @return a 0-D FLOAT constant, shared by every use of the same value
     */
    public OnnxValue scalar(float value) {
        String key = "f32:" + Float.floatToRawIntBits(value);
        OnnxValue known = constants.get(key);
        if (known == null) {
            ByteBuffer raw =
                    ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(value);
            known = addConstant("float", OnnxType.FLOAT, raw.array());
            constants.put(key, known);
        }
        return known;
    }

    private OnnxValue constantTensor(String kind, long[] values, long... shape) {
        ByteBuffer raw = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        raw.asLongBuffer().put(values);
        return addConstant(kind, OnnxType.INT64, raw.array(), shape);
    }

    private OnnxValue addConstant(String kind, OnnxType type, byte[] raw, long... shape) {
        String tensorName;
        do {
            tensorName = "const/" + kind + "_" + counter++;
        } while (names.contains(tensorName));
        claim(tensorName);
        TensorProto.Builder t = TensorProto.newBuilder()
                .setName(tensorName)
                .setDataType(type.code())
                .setRawData(ByteString.copyFrom(raw));
        for (long d : shape) {
            t.addDims(d);
        }
        initializers.add(t.build());
        return new OnnxValue(tensorName);
    }

    /**
     * Adds a node of the default domain with one output.
     *
     * @param opType the operator (e.g. {@code MatMul})
     * @param attributes its attributes: Long/Integer (INT), Float/Double (FLOAT), String (STRING), long[]/int[]
     *     (INTS), float[] (FLOATS); may be empty
     * @param inputs its inputs in order; {@code null} for an omitted optional input
     * @return its output
     */
    public OnnxValue op(String opType, Map<String, ?> attributes, OnnxValue... inputs) {
        return op(opType, attributes, 1, inputs).get(0);
    }

    /**
     * Adds a node of the default domain without attributes, with one output.
     *
     * @param opType the operator
     * @param inputs its inputs in order
     * @return its output
     */
    public OnnxValue op(String opType, OnnxValue... inputs) {
        return op(opType, Map.of(), 1, inputs).get(0);
    }

    /**
     * Adds a node of the default domain.
     *
     * @param opType the operator
     * @param attributes its attributes (see {@link #op(String, Map, OnnxValue...)})
     * @param outputCount how many outputs it has
     * @param inputs its inputs in order; {@code null} for an omitted optional input
     * @return its outputs
     */
    public List<OnnxValue> op(String opType, Map<String, ?> attributes, int outputCount, OnnxValue... inputs) {
        NodeProto.Builder node = NodeProto.newBuilder().setOpType(opType);
        for (OnnxValue in : inputs) {
            node.addInput(in == null ? "" : in.name());
        }
        List<OnnxValue> outs = new ArrayList<>(outputCount);
        for (int i = 0; i < outputCount; i++) {
            String out = fresh(opType);
            node.addOutput(out);
            outs.add(new OnnxValue(out));
        }
        node.setName(outs.get(0).name());
        for (Map.Entry<String, ?> a : new LinkedHashMap<>(attributes).entrySet()) {
            node.addAttribute(attribute(a.getKey(), a.getValue()));
        }
        nodes.add(node.build());
        return outs;
    }

    private static AttributeProto attribute(String attributeName, Object value) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(attributeName);
        if (value instanceof Integer || value instanceof Long) {
            a.setType(AttributeProto.AttributeType.INT).setI(((Number) value).longValue());
        } else if (value instanceof Float || value instanceof Double) {
            a.setType(AttributeProto.AttributeType.FLOAT).setF(((Number) value).floatValue());
        } else if (value instanceof String s) {
            a.setType(AttributeProto.AttributeType.STRING).setS(ByteString.copyFromUtf8(s));
        } else if (value instanceof long[] longs) {
            a.setType(AttributeProto.AttributeType.INTS);
            for (long l : longs) {
                a.addInts(l);
            }
        } else if (value instanceof int[] ints) {
            a.setType(AttributeProto.AttributeType.INTS);
            for (int i : ints) {
                a.addInts(i);
            }
        } else if (value instanceof float[] floats) {
            a.setType(AttributeProto.AttributeType.FLOATS);
            for (float f : floats) {
                a.addFloats(f);
            }
        } else {
            throw new IllegalArgumentException("attribute " + attributeName + ": unsupported value " + value);
        }
        return a.build();
    }

    // ---- the operators the blocks use, named as in ONNX ----

    /** @return {@code a + b} (broadcasting) */
    public OnnxValue add(OnnxValue a, OnnxValue b) {
        return op("Add", a, b);
    }

    /** @return {@code a - b} (broadcasting) */
    public OnnxValue sub(OnnxValue a, OnnxValue b) {
        return op("Sub", a, b);
    }

    /** @return {@code a * b} (broadcasting) */
    public OnnxValue mul(OnnxValue a, OnnxValue b) {
        return op("Mul", a, b);
    }

    /** @return {@code a / b} (broadcasting) */
    public OnnxValue div(OnnxValue a, OnnxValue b) {
        return op("Div", a, b);
    }

    /** @return the matrix product, batched as numpy's matmul */
    public OnnxValue matMul(OnnxValue a, OnnxValue b) {
        return op("MatMul", a, b);
    }

    /**
     * @param x the tensor
     * @param shape the new shape: 0 copies the input's dimension, -1 is inferred
     * @return x reshaped
     */
    public OnnxValue reshape(OnnxValue x, long... shape) {
        return op("Reshape", x, ints(shape));
    }

    /**
     * @param x the tensor
     * @param shape a 1-D INT64 tensor
     * @return x reshaped
     */
    public OnnxValue reshape(OnnxValue x, OnnxValue shape) {
        return op("Reshape", x, shape);
    }

    /**
     * @param x the tensor
     * @param perm the permutation of the axes
     * @return x transposed
     */
    public OnnxValue transpose(OnnxValue x, long... perm) {
        return op("Transpose", Map.of("perm", perm), x);
    }

    /**
     * @param x the tensor
     * @param axes where to insert axes of size 1
     * @return x with them
     */
    public OnnxValue unsqueeze(OnnxValue x, long... axes) {
        return op("Unsqueeze", x, ints(axes));
    }

    /**
     * @param x the tensor
     * @param axes which axes of size 1 to drop
     * @return x without them
     */
    public OnnxValue squeeze(OnnxValue x, long... axes) {
        return op("Squeeze", x, ints(axes));
    }

    /** @return x's shape, 1-D INT64 */
    public OnnxValue shape(OnnxValue x) {
        return op("Shape", x);
    }

    /**
     * @param x the tensor
     * @param axis the axis
     * @return x's size along the axis, as a 1-D INT64 tensor of one element
     */
    public OnnxValue dim(OnnxValue x, long axis) {
        return op("Shape", Map.of("start", axis, "end", axis == -1 ? Long.MAX_VALUE : axis + 1), x);
    }

    /**
     * @param x the data
     * @param indices INT64 indices
     * @param axis the axis they index
     * @return {@code Gather(x, indices, axis)}
     */
    public OnnxValue gather(OnnxValue x, OnnxValue indices, long axis) {
        return op("Gather", Map.of("axis", axis), x, indices);
    }

    /**
     * @param axis the axis to join along
     * @param parts what to join, in order
     * @return their concatenation
     */
    public OnnxValue concat(long axis, OnnxValue... parts) {
        return op("Concat", Map.of("axis", axis), parts);
    }

    /**
     * @param x the tensor
     * @param to the element type
     * @return x converted
     */
    public OnnxValue cast(OnnxValue x, OnnxType to) {
        return op("Cast", Map.of("to", (long) to.code()), x);
    }

    /**
     * @param x the data
     * @param starts 1-D INT64 starts
     * @param ends 1-D INT64 ends
     * @param axes 1-D INT64 axes
     * @return {@code Slice(x, starts, ends, axes)}
     */
    public OnnxValue slice(OnnxValue x, OnnxValue starts, OnnxValue ends, OnnxValue axes) {
        return op("Slice", x, starts, ends, axes);
    }

    /**
     * @param condition BOOL
     * @param a where true
     * @param b where false
     * @return {@code Where(condition, a, b)}
     */
    public OnnxValue where(OnnxValue condition, OnnxValue a, OnnxValue b) {
        return op("Where", condition, a, b);
    }

    /**
     * @param x the tensor
     * @param axis the axis
     * @return the softmax along it
     */
    public OnnxValue softmax(OnnxValue x, long axis) {
        return op("Softmax", Map.of("axis", axis), x);
    }

    /**
     * @param x the tensor
     * @param axes the axes to sum
     * @param keepDims whether to keep them with size 1
     * @return the sum (ReduceSum takes its axes as an input from opset 13)
     */
    public OnnxValue reduceSum(OnnxValue x, boolean keepDims, long... axes) {
        return op("ReduceSum", Map.of("keepdims", keepDims ? 1L : 0L), x, ints(axes));
    }

    /**
     * @param x the tensor
     * @param axes the axes to average
     * @param keepDims whether to keep them with size 1
     * @return the mean (ReduceMean takes its axes as an attribute up to opset 17)
     */
    public OnnxValue reduceMean(OnnxValue x, boolean keepDims, long... axes) {
        return op("ReduceMean", Map.of("axes", axes, "keepdims", keepDims ? 1L : 0L), x);
    }

    /**
     * @param x the tensor
     * @param axes the axes to reduce
     * @param keepDims whether to keep them with size 1
     * @return the maximum (ReduceMax takes its axes as an attribute up to opset 17)
     */
    public OnnxValue reduceMax(OnnxValue x, boolean keepDims, long... axes) {
        return op("ReduceMax", Map.of("axes", axes, "keepdims", keepDims ? 1L : 0L), x);
    }

    // ---- the model ----

    /** @return the nodes added so far */
    public int nodeCount() {
        return nodes.size();
    }

    /**
     * @return the model, checked ({@link OnnxChecker})
     * @throws IllegalStateException naming each rule the graph breaks
     */
    public byte[] toBytes() {
        byte[] bytes = model().toByteArray();
        OnnxChecker.checkOrThrow(bytes);
        return bytes;
    }

    ModelProto model() {
        GraphProto graph = GraphProto.newBuilder()
                .setName(name)
                .addAllInput(inputs)
                .addAllOutput(outputs)
                .addAllInitializer(initializers)
                .addAllNode(nodes)
                .build();
        return ModelProto.newBuilder()
                .setIrVersion(IR_VERSION)
                .setProducerName("stoa")
                .setProducerVersion("0.1.0")
                .setDocString(docString)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
                .setGraph(graph)
                .build();
    }

    /**
     * Writes the checked model to a temporary file beside {@code file} and moves it into place, so that a reader
     * never sees half a model.
     *
     * @param file where to write it
     * @return the file
     * @throws IOException if it cannot be written
     * @throws IllegalStateException if the graph breaks a rule of {@link OnnxChecker}
     */
    public Path write(Path file) throws IOException {
        byte[] bytes = toBytes();
        Path folder = file.toAbsolutePath().getParent();
        Files.createDirectories(folder);
        Path temp = Files.createTempFile(folder, "." + file.getFileName(), ".tmp");
        try {
            try (OutputStream out = Files.newOutputStream(temp)) {
                out.write(bytes);
            }
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
        return file;
    }
}
