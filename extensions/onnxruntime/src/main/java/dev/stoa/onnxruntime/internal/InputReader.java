package dev.stoa.onnxruntime.internal;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import dev.stoa.api.data.Image;
import dev.stoa.onnxruntime.internal.ModelDescriptor.InputSpec;
import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads and checks the inputs of a request to a model-folder service, against the inputs the model declares. A
 * request names each input under {@code inputs}, either as a map
 * ({@code {"inputs": {"x": {"shape": [1, 3], "data": [1, 2, 3]}}}}) or as KServe v2's list
 * ({@code {"inputs": [{"name": "x", "shape": [1, 3], "datatype": "FP32", "data": [1, 2, 3]}]}}). {@code data} is
 * flat (row-major, with {@code shape}) or nested (its nesting is the shape); in process it may also be a primitive
 * array ({@code float[]}, {@code long[]}, ...). An input with image preprocessing takes {@code {"image": ...}} or
 * {@code {"images": [...]}} instead (base64 of a PNG or JPEG file, or an {@link Image} in process), and when it is
 * the model's only input, {@code image}/{@code images} may sit at the top of the request.
 *
 * <p>Every failure is {@link FailureCode#BAD_INPUT} naming the field ({@code inputs.x.shape}) and the shape the
 * input takes, or {@link FailureCode#TOO_LARGE} for a batch over {@code maxBatch}.
 */
final class InputReader {

    private final String model;
    private final List<InputSpec> inputs;
    private final int maxBatch;

    /**
     * @param model the service's name, for messages
     * @param inputs the model's inputs, each with its element type and shape resolved
     * @param maxBatch the largest first dimension accepted where it is {@code -1}; 0 for no bound
     */
    InputReader(String model, List<InputSpec> inputs, int maxBatch) {
        this.model = model;
        this.inputs = inputs;
        this.maxBatch = maxBatch;
    }

    /**
     * @param request the request, as the class comment says
     * @return a tensor per model input, in the model's order
     */
    Map<String, Tensor> read(Map<?, ?> request) {
        Map<String, Object> given = given(request);
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (InputSpec spec : inputs) {
            String field = "inputs." + spec.name();
            Object value = given.remove(spec.name());
            if (value == null) {
                throw StoaException.badInput(field, "is missing; model '" + model + "' takes " + describe(spec));
            }
            out.put(spec.name(), tensor(spec, asMap(value, field), field));
        }
        if (!given.isEmpty()) {
            String name = given.keySet().iterator().next();
            throw StoaException.badInput(
                    "inputs." + name,
                    "is not an input of model '" + model + "'; its inputs are "
                            + inputs.stream().map(InputSpec::name).toList());
        }
        return out;
    }

    /** @return what the request gives, by input name */
    private Map<String, Object> given(Map<?, ?> request) {
        Map<String, Object> given = new LinkedHashMap<>();
        Object inputsField = request.get("inputs");
        boolean shorthand = request.containsKey("image") || request.containsKey("images");
        if (inputsField == null && shorthand) {
            List<InputSpec> images =
                    inputs.stream().filter(i -> i.image() != null).toList();
            if (images.size() != 1 || inputs.size() != 1) {
                throw StoaException.badInput(
                        "image",
                        "can stand alone only for a model with one input, an image;" + " model '" + model + "' takes "
                                + describeAll() + ": send {\"inputs\": {...}}");
            }
            Map<String, Object> value = new LinkedHashMap<>();
            value.put(
                    request.containsKey("image") ? "image" : "images",
                    request.get(request.containsKey("image") ? "image" : "images"));
            given.put(images.get(0).name(), value);
            return given;
        }
        if (inputsField == null) {
            throw StoaException.badInput(
                    "inputs",
                    "is missing; model '" + model + "' takes " + describeAll()
                            + ", sent as {\"inputs\": {\"name\": {\"shape\": [...], \"data\": [...]}}}");
        }
        List<?> list = asList(inputsField);
        if (list != null) {
            for (int i = 0; i < list.size(); i++) {
                Map<String, Object> entry = asMap(list.get(i), "inputs[" + i + "]");
                if (!(entry.get("name") instanceof String name)) {
                    throw StoaException.badInput("inputs[" + i + "].name", "is missing; name the input it gives");
                }
                given.put(name, entry);
            }
        } else {
            given.putAll(asMap(inputsField, "inputs"));
        }
        return given;
    }

    private Tensor tensor(InputSpec spec, Map<String, Object> value, String field) {
        if (value.containsKey("image") || value.containsKey("images")) {
            if (spec.image() == null) {
                throw StoaException.badInput(
                        field + ".image",
                        "input '" + spec.name() + "' takes tensors, not"
                                + " images (its descriptor sets no 'image' preprocessing); send shape and data");
            }
            Tensor t = imageTensor(
                    spec, images(value, field), field + (value.containsKey("image") ? ".image" : ".images"));
            checkShape(spec, t.shape(), field + " (after image preprocessing)");
            return t;
        }
        Object declared = value.containsKey("dtype") ? value.get("dtype") : value.get("datatype");
        if (declared != null) {
            DType dtype = DType.parse(String.valueOf(declared), field + ".dtype", FailureCode.BAD_INPUT);
            if (dtype != spec.dtype()) {
                throw StoaException.badInput(
                        field + ".dtype", "is " + dtype.id() + "; input '" + spec.name() + "' takes " + describe(spec));
            }
        }
        Object data = value.get("data");
        if (data == null) {
            throw StoaException.badInput(
                    field + ".data",
                    "is missing; send the values, flat with 'shape' or nested," + " for " + describe(spec)
                            + (spec.image() != null ? ", or 'image'" : ""));
        }
        if (data.getClass().isArray()) {
            return fromArray(spec, data, shape(value, field, data), field);
        }
        if (asList(data) == null) {
            throw StoaException.badInput(field + ".data", "must be an array of numbers");
        }
        List<Object> flat = new ArrayList<>();
        List<Long> dims = new ArrayList<>();
        flatten(data, 0, dims, flat, field + ".data");
        long[] nestedShape = dims.stream().mapToLong(Long::longValue).toArray();
        long[] shape = value.get("shape") != null ? shape(value, field, null) : nestedShape;
        if (value.get("shape") != null && nestedShape.length > 1 && !Arrays.equals(nestedShape, shape)) {
            throw StoaException.badInput(
                    field + ".shape",
                    "is " + Arrays.toString(shape) + " but the nested data is " + Arrays.toString(nestedShape)
                            + "; send one or make them agree");
        }
        checkShape(spec, shape, field + ".shape");
        if (Tensor.elements(shape) != flat.size()) {
            throw StoaException.badInput(
                    field + ".data",
                    "has " + flat.size() + " values; shape " + Arrays.toString(shape) + " needs "
                            + Tensor.elements(shape));
        }
        Tensor t = Tensor.zeros(spec.dtype(), shape);
        for (int i = 0; i < flat.size(); i++) {
            set(t, i, flat.get(i), spec, field + ".data[" + i + "]");
        }
        return t;
    }

    private long[] shape(Map<String, Object> value, String field, Object array) {
        Object s = value.get("shape");
        if (s == null) {
            if (array != null) {
                return new long[] {Array.getLength(array)};
            }
            throw StoaException.badInput(field + ".shape", "is missing; send the dimensions of the data");
        }
        List<?> list = asList(s);
        if (list == null) {
            throw StoaException.badInput(field + ".shape", "must be an array of dimensions, e.g. [1, 3]");
        }
        long[] shape = new long[list.size()];
        for (int i = 0; i < shape.length; i++) {
            if (!(list.get(i) instanceof Number n) || n.doubleValue() != n.longValue() || n.longValue() < 0) {
                throw StoaException.badInput(
                        field + ".shape[" + i + "]",
                        "is " + list.get(i) + "; a dimension is a" + " whole number, 0 or more");
            }
            shape[i] = n.longValue();
        }
        return shape;
    }

    /** Checks rank, fixed dimensions and the batch bound; {@code field} is what the message names. */
    private void checkShape(InputSpec spec, long[] shape, String field) {
        long[] want = spec.shape();
        boolean fits = shape.length == want.length;
        for (int i = 0; fits && i < want.length; i++) {
            fits = want[i] == -1 || want[i] == shape[i];
        }
        if (!fits) {
            throw StoaException.badInput(
                    field,
                    "is " + Arrays.toString(shape) + "; input '" + spec.name() + "' takes " + describe(spec)
                            + " (-1: any size)");
        }
        if (maxBatch > 0 && want.length > 0 && want[0] == -1 && shape[0] > maxBatch) {
            throw new StoaException(
                    FailureCode.TOO_LARGE,
                    "'" + field + "': batch of " + shape[0] + " is over"
                            + " model '" + model + "''s maxBatch of " + maxBatch + "; send at most " + maxBatch
                            + " at a time, or raise maxBatch in its " + ModelDescriptor.FILE);
        }
        try {
            Tensor.elements(shape);
        } catch (ArithmeticException e) {
            throw new StoaException(
                    FailureCode.TOO_LARGE,
                    "'" + field + "': " + Arrays.toString(shape) + " has more elements than fit in memory");
        }
    }

    /** Flattens nested arrays row-major into {@code flat}, recording each depth's length in {@code dims}. */
    private static void flatten(Object node, int depth, List<Long> dims, List<Object> flat, String field) {
        List<?> list = asList(node);
        if (list == null) {
            if (depth != dims.size()) {
                throw StoaException.badInput(
                        field,
                        "mixes numbers and arrays at depth " + depth + "; nest every"
                                + " value equally deep, or send it flat with 'shape'");
            }
            flat.add(node);
            return;
        }
        if (depth == dims.size()) {
            if (!flat.isEmpty()) {
                throw StoaException.badInput(
                        field,
                        "mixes numbers and arrays at depth " + depth + "; nest every"
                                + " value equally deep, or send it flat with 'shape'");
            }
            dims.add((long) list.size());
        } else if (depth > dims.size() || dims.get(depth) != list.size()) {
            throw StoaException.badInput(
                    field,
                    "is ragged: an array at depth " + depth + " has " + list.size()
                            + " items where another has " + (depth < dims.size() ? dims.get(depth) : "none")
                            + "; every row needs the same length");
        }
        for (Object item : list) {
            flatten(item, depth + 1, dims, flat, field);
        }
    }

    /** @return a JSON array as a list (a {@code List}, or Vert.x's {@code JsonArray}, an {@code Iterable}) */
    private static List<?> asList(Object value) {
        if (value instanceof List<?> l) {
            return l;
        }
        if (value instanceof Iterable<?> it && !(value instanceof Map<?, ?>)) {
            List<Object> list = new ArrayList<>();
            it.forEach(list::add);
            return list.isEmpty() || !(list.get(0) instanceof Map.Entry<?, ?>) ? list : null;
        }
        return null;
    }

    private static void set(Tensor t, int i, Object v, InputSpec spec, String field) {
        DType dtype = t.dtype();
        if (dtype == DType.BOOL && v instanceof Boolean b) {
            ((byte[]) t.data())[i] = (byte) (b ? 1 : 0);
            return;
        }
        if (!(v instanceof Number n)) {
            throw StoaException.badInput(
                    field,
                    "is " + (v instanceof String ? "\"" + v + "\"" : v) + "; input '" + spec.name() + "' takes "
                            + dtype.id() + " numbers");
        }
        double d = n.doubleValue();
        if (dtype.integral() && (d != Math.rint(d) || Double.isInfinite(d))) {
            throw StoaException.badInput(
                    field, "is " + n + ", not a whole number; input '" + spec.name() + "' takes " + dtype.id());
        }
        long l = n.longValue();
        switch (dtype) {
            case FLOAT32 -> ((float[]) t.data())[i] = n.floatValue();
            case FLOAT64 -> ((double[]) t.data())[i] = d;
            case INT64 -> ((long[]) t.data())[i] = l;
            case INT32 -> ((int[]) t.data())[i] = (int) inRange(l, Integer.MIN_VALUE, Integer.MAX_VALUE, spec, field);
            case INT8 -> ((byte[]) t.data())[i] = (byte) inRange(l, Byte.MIN_VALUE, Byte.MAX_VALUE, spec, field);
            case UINT8 -> ((byte[]) t.data())[i] = (byte) inRange(l, 0, 255, spec, field);
            case BOOL -> ((byte[]) t.data())[i] = (byte) inRange(l, 0, 1, spec, field);
        }
    }

    private static long inRange(long v, long min, long max, InputSpec spec, String field) {
        if (v < min || v > max) {
            throw StoaException.badInput(
                    field,
                    "is " + v + ", outside " + min + ".." + max + " of input '" + spec.name() + "''s "
                            + spec.dtype().id());
        }
        return v;
    }

    /** A primitive array given in process: its Java type must be the input's. */
    private Tensor fromArray(InputSpec spec, Object array, long[] shape, String field) {
        DType given;
        if (array instanceof float[]) {
            given = DType.FLOAT32;
        } else if (array instanceof double[]) {
            given = DType.FLOAT64;
        } else if (array instanceof long[]) {
            given = DType.INT64;
        } else if (array instanceof int[]) {
            given = DType.INT32;
        } else if (array instanceof byte[]) {
            // bytes are the storage of all three one-byte types
            given = spec.dtype() == DType.INT8 || spec.dtype() == DType.BOOL ? spec.dtype() : DType.UINT8;
        } else {
            throw StoaException.badInput(
                    field + ".data",
                    "is a " + array.getClass().getSimpleName()
                            + "; send a list of numbers or a float[], double[], long[], int[] or byte[]");
        }
        if (given != spec.dtype()) {
            throw StoaException.badInput(
                    field + ".data",
                    "is " + given.id() + " (" + array.getClass().getSimpleName() + "); input '" + spec.name()
                            + "' takes " + describe(spec));
        }
        int length = Array.getLength(array);
        checkShape(spec, shape, field + ".shape");
        if (Tensor.elements(shape) != length) {
            throw StoaException.badInput(
                    field + ".data",
                    "has " + length + " values; shape " + Arrays.toString(shape) + " needs " + Tensor.elements(shape));
        }
        return new Tensor(given, shape, array);
    }

    /** @return the images through the input's preprocessing, in the input's element type */
    static Tensor imageTensor(InputSpec spec, List<Image> images, String field) {
        Tensor t = spec.image().apply(images, field);
        return t.dtype() == spec.dtype() ? t : convert(t, spec.dtype());
    }

    private static Tensor convert(Tensor floats, DType dtype) {
        // image preprocessing makes float32; a uint8 image input takes the scaled values rounded to bytes
        Tensor t = Tensor.zeros(dtype, floats.shape());
        float[] src = (float[]) floats.data();
        for (int i = 0; i < src.length; i++) {
            double v = Math.rint(src[i]);
            switch (dtype) {
                case FLOAT64 -> ((double[]) t.data())[i] = src[i];
                case UINT8 -> ((byte[]) t.data())[i] = (byte) Math.min(255, Math.max(0, v));
                case INT8 -> ((byte[]) t.data())[i] = (byte) Math.min(127, Math.max(-128, v));
                default -> throw new IllegalStateException("image inputs are float32, float64, uint8 or int8");
            }
        }
        return t;
    }

    private static List<Image> images(Map<String, Object> value, String field) {
        if (value.containsKey("image")) {
            return List.of(image(value.get("image"), field + ".image"));
        }
        List<?> list = asList(value.get("images"));
        if (list == null || list.isEmpty()) {
            throw StoaException.badInput(field + ".images", "must be a non-empty array of images");
        }
        List<Image> images = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            images.add(image(list.get(i), field + ".images[" + i + "]"));
        }
        return images;
    }

    /**
     * @return an {@link Image}, decoded from the base64 of a file (a {@code data:} URL prefix accepted, as the bus's
     *     JSON shape of an image) or from a file's bytes; corrupt, empty and oversized files fail as
     *     {@link Image#decode} says, naming {@code field}
     */
    private static Image image(Object value, String field) {
        if (value instanceof Image image) {
            return image;
        }
        byte[] bytes;
        if (value instanceof byte[] b) {
            bytes = b;
        } else if (value instanceof String s) {
            String base64 = s.startsWith("data:") ? s.substring(s.indexOf(',') + 1) : s;
            try {
                bytes = Base64.getMimeDecoder().decode(base64);
            } catch (IllegalArgumentException e) {
                throw StoaException.badInput(field, "is not valid base64 (" + e.getMessage() + ")");
            }
        } else {
            throw StoaException.badInput(
                    field,
                    value == null
                            ? "is missing; send the base64 of a PNG or JPEG file"
                            : "must be the base64 of a PNG or JPEG file");
        }
        try {
            return Image.decode(bytes);
        } catch (StoaException e) {
            // Image names the field 'image': say which one it is in this request
            throw new StoaException(
                    e.code(), "'" + field + "': " + e.getMessage().replaceFirst("^'image':? ?", ""), e);
        }
    }

    /** @return e.g. {@code x: float32 [-1, 3, 48, 192]} */
    static String describe(InputSpec spec) {
        return spec.name() + ": " + spec.dtype().id() + " " + Arrays.toString(spec.shape());
    }

    private String describeAll() {
        return inputs.stream().map(InputReader::describe).toList().toString();
    }

    /** A JSON object arrives as a {@code Map}, or as Vert.x's {@code JsonObject}, which iterates its entries. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> asMap(Object value, String field) {
        if (value instanceof Map<?, ?> m) {
            return new LinkedHashMap<>((Map<String, Object>) m);
        }
        if (value instanceof Iterable<?> it) {
            Map<String, Object> map = new LinkedHashMap<>();
            for (Object e : it) {
                if (!(e instanceof Map.Entry<?, ?> entry)) {
                    throw StoaException.badInput(field, "must be a JSON object");
                }
                map.put(String.valueOf(entry.getKey()), entry.getValue());
            }
            return map;
        }
        throw StoaException.badInput(field, "must be a JSON object");
    }
}
