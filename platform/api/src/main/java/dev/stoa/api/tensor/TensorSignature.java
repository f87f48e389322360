package dev.stoa.api.tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The named, typed tensors a service takes and answers, published as service properties next to {@code stoa.id}:
 *
 * <pre>
 * stoa.tensor.inputs  = [x:FP32[-1,3]]          (a String[], one entry per tensor)
 * stoa.tensor.outputs = [y:FP32[-1,2], label:BYTES[-1,1]]
 * </pre>
 *
 * Each entry is {@code name:DATATYPE[shape]}: the datatype one of the Open Inference Protocol v2's ({@link #DATATYPES}),
 * the shape the full shape with the batch dimension, {@code -1} where any size is accepted.
 *
 * <p>A service that publishes a signature takes the protocol's tensor list as its JSON request,
 * {@code {"inputs": [{"name": "x", "datatype": "FP32", "shape": [1, 3], "data": [1, 2, 3]}]}} (flat, row-major
 * {@code data}), and answers its outputs by name, {@code {"outputs": {"y": {"dtype": "float32", "shape": [1, 2],
 * "data": [...]}}}}, or, for a classification output, {@code {"y": {"classes": [[{"index", "label", "score"}]]}}}.
 * ONNX models served from a folder do (extensions/onnxruntime).
 *
 * @param inputs the input tensors, in the order the service lists them
 * @param outputs the output tensors
 */
public record TensorSignature(List<Tensor> inputs, List<Tensor> outputs) {

    /** Service property: the input tensors, a {@code String[]} of {@code name:DATATYPE[shape]}. */
    public static final String INPUTS = "stoa.tensor.inputs";

    /** Service property: the output tensors, as {@link #INPUTS}. */
    public static final String OUTPUTS = "stoa.tensor.outputs";

    /** The datatypes of the Open Inference Protocol v2. */
    public static final Set<String> DATATYPES = Set.of(
            "BOOL", "UINT8", "UINT16", "UINT32", "UINT64", "INT8", "INT16", "INT32", "INT64", "FP16", "FP32", "FP64",
            "BYTES");

    public TensorSignature {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
    }

    /**
     * One tensor of a signature.
     *
     * @param name its name
     * @param datatype one of {@link #DATATYPES}
     * @param shape its full shape, {@code -1} for a dimension of any size; the record keeps the array given
     */
    public record Tensor(String name, String datatype, long[] shape) {

        public Tensor {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("a tensor needs a name");
            }
            if (!DATATYPES.contains(datatype)) {
                throw new IllegalArgumentException(
                        "tensor '" + name + "' has datatype '" + datatype + "'; use one of " + DATATYPES);
            }
        }

        /** @return {@code name:DATATYPE[d0,d1,...]}, as the service property holds it */
        public String format() {
            StringBuilder s =
                    new StringBuilder(name).append(':').append(datatype).append('[');
            for (int i = 0; i < shape.length; i++) {
                s.append(i == 0 ? "" : ",").append(shape[i]);
            }
            return s.append(']').toString();
        }

        /**
         * @param entry {@code name:DATATYPE[shape]}
         * @return the tensor
         * @throws IllegalArgumentException naming the entry when it is not of that form
         */
        public static Tensor parse(String entry) {
            String e = entry.trim();
            int colon = e.lastIndexOf(':', e.indexOf('[') < 0 ? e.length() : e.indexOf('['));
            int open = e.indexOf('[', Math.max(colon, 0));
            if (colon <= 0 || open < 0 || !e.endsWith("]")) {
                throw new IllegalArgumentException(
                        "'" + entry + "' is not a tensor; write name:DATATYPE[shape], e.g. x:FP32[-1,3]");
            }
            String datatype = e.substring(colon + 1, open).trim().toUpperCase(Locale.ROOT);
            String dims = e.substring(open + 1, e.length() - 1).trim();
            long[] shape;
            try {
                shape = dims.isEmpty()
                        ? new long[0]
                        : Arrays.stream(dims.split(","))
                                .mapToLong(d -> Long.parseLong(d.trim()))
                                .toArray();
            } catch (NumberFormatException ex) {
                throw new IllegalArgumentException(
                        "'" + entry + "' has a shape that is not whole numbers; write e.g. [-1,3]", ex);
            }
            return new Tensor(e.substring(0, colon).trim(), datatype, shape);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Tensor t
                    && t.name.equals(name)
                    && t.datatype.equals(datatype)
                    && Arrays.equals(t.shape, shape);
        }

        @Override
        public int hashCode() {
            return name.hashCode() * 31 + Arrays.hashCode(shape);
        }

        @Override
        public String toString() {
            return format();
        }
    }

    /** @return the inputs as the value of {@link #INPUTS} */
    public String[] inputProperty() {
        return inputs.stream().map(Tensor::format).toArray(String[]::new);
    }

    /** @return the outputs as the value of {@link #OUTPUTS} */
    public String[] outputProperty() {
        return outputs.stream().map(Tensor::format).toArray(String[]::new);
    }

    /**
     * @param inputs the value of {@link #INPUTS}: a {@code String[]}, a collection of strings, or {@code null}
     * @param outputs the value of {@link #OUTPUTS}, likewise
     * @return the signature, or {@code null} when either property is missing
     * @throws IllegalArgumentException naming an entry that is not a tensor
     */
    public static TensorSignature parse(Object inputs, Object outputs) {
        if (inputs == null || outputs == null) {
            return null;
        }
        return new TensorSignature(tensors(inputs), tensors(outputs));
    }

    private static List<Tensor> tensors(Object property) {
        List<Tensor> out = new ArrayList<>();
        if (property instanceof String[] array) {
            for (String s : array) {
                out.add(Tensor.parse(s));
            }
        } else if (property instanceof Iterable<?> list) {
            for (Object s : list) {
                out.add(Tensor.parse(String.valueOf(s)));
            }
        } else {
            out.add(Tensor.parse(String.valueOf(property)));
        }
        return out;
    }
}
