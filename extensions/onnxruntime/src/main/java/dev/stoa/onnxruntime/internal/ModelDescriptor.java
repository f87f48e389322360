package dev.stoa.onnxruntime.internal;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A model folder's descriptor, {@value #FILE}: which ONNX file to serve, its inputs and outputs with element type
 * and shape ({@code -1} for a dimension that may vary), image preprocessing for image inputs, and postprocessing
 * for outputs. Like a Triton model repository's {@code config.pbtxt}, but shapes include the batch dimension.
 * Every field but the ONNX file is optional: omitted inputs and outputs are taken from the model itself. The
 * extension's README has the full reference; a complete example:
 *
 * <pre>{@code
 * {
 *   "name": "ppocr-orientation", "version": "2.0", "model": "model.onnx", "maxBatch": 16,
 *   "inputs": [{"name": "x", "dtype": "float32", "shape": [-1, 3, 48, 192],
 *               "image": {"resize": "fit-height", "width": 192, "height": 48, "scale": 0.00392156862745098,
 *                         "mean": [0.5, 0.5, 0.5], "std": [0.5, 0.5, 0.5], "channels": "BGR", "layout": "NCHW"}}],
 *   "outputs": [{"name": "softmax_0.tmp_0", "postprocess": {"topK": 1, "labels": ["0", "180"]}}],
 *   "warmup": {"x": [1, 3, 48, 192]}
 * }
 * }</pre>
 *
 * @param folder the model folder
 * @param name the model's name ({@code name}, else the folder's name)
 * @param version the model's version, or {@code null}
 * @param model the ONNX file
 * @param maxBatch the largest first dimension accepted when it is {@code -1}; 0 for no bound
 * @param inputs the declared inputs, or {@code null} to take them from the model
 * @param outputs the declared outputs, or {@code null} to return every output of the model as it is
 * @param warmup shapes to warm up with, by input name; inputs not named here warm up with every {@code -1} as 1
 */
record ModelDescriptor(
        Path folder,
        String name,
        String version,
        Path model,
        int maxBatch,
        List<InputSpec> inputs,
        List<OutputSpec> outputs,
        Map<String, long[]> warmup) {

    /** The descriptor's file name. */
    static final String FILE = "stoa-model.json";

    private static final Set<String> FIELDS =
            Set.of("name", "version", "model", "maxBatch", "inputs", "outputs", "warmup", "description");
    private static final Set<String> INPUT_FIELDS = Set.of("name", "dtype", "shape", "image", "description");
    private static final Set<String> OUTPUT_FIELDS = Set.of("name", "dtype", "shape", "postprocess", "description");
    private static final Set<String> IMAGE_FIELDS =
            Set.of("resize", "width", "height", "size", "crop", "scale", "mean", "std", "channels", "layout", "pad");
    private static final Set<String> POST_FIELDS = Set.of("softmax", "topK", "labels");

    /**
     * An input as the descriptor declares it.
     *
     * @param name the model's input name
     * @param dtype the element type, or {@code null} for the model's
     * @param shape the shape with {@code -1} for varying dimensions, or {@code null} for the model's
     * @param image how an image becomes this input, or {@code null} when it takes tensors only
     */
    record InputSpec(String name, DType dtype, long[] shape, ImagePreprocessing image) {}

    /**
     * An output as the descriptor declares it.
     *
     * @param name the model's output name
     * @param dtype the element type, or {@code null} for the model's
     * @param shape the shape, or {@code null} for the model's
     * @param post what to do with it before answering
     */
    record OutputSpec(String name, DType dtype, long[] shape, Postprocessing post) {}

    /**
     * Reads a folder's descriptor; without one, the folder must hold exactly one {@code .onnx} file, served with the
     * inputs and outputs it declares.
     *
     * @param folder the model folder
     * @return the descriptor
     * @throws StoaException {@link FailureCode#BAD_CONFIG} naming the file, the field and the fix
     */
    static ModelDescriptor read(Path folder) {
        if (!Files.isDirectory(folder)) {
            throw new StoaException(
                    FailureCode.BAD_CONFIG,
                    "model folder " + folder + " does not exist; set 'folder'"
                            + " to a folder holding an .onnx file and " + FILE);
        }
        Path file = folder.resolve(FILE);
        String where = file.toString();
        JsonObject d;
        if (Files.isRegularFile(file)) {
            try {
                JsonElement parsed = JsonParser.parseString(Files.readString(file));
                if (!parsed.isJsonObject()) {
                    throw new StoaException(FailureCode.BAD_CONFIG, where + " must hold a JSON object");
                }
                d = parsed.getAsJsonObject();
            } catch (IOException | JsonParseException e) {
                throw new StoaException(FailureCode.BAD_CONFIG, where + " is not valid JSON: " + e.getMessage(), e);
            }
        } else {
            d = new JsonObject();
        }
        return parse(folder, d, where);
    }

    /** @param where the descriptor's path, which every message starts with */
    static ModelDescriptor parse(Path folder, JsonObject d, String where) {
        Fields f = new Fields(where);
        f.known(d, "", FIELDS);
        String name = f.string(
                d,
                "name",
                folder.getFileName() == null ? "model" : folder.getFileName().toString());
        String version = f.string(d, "version", null);
        Path model = modelFile(folder, f.string(d, "model", null), where);
        int maxBatch = f.integer(d, "maxBatch", 0, 0);
        List<InputSpec> inputs = null;
        if (d.has("inputs")) {
            inputs = new ArrayList<>();
            JsonArray array = f.array(d, "inputs");
            for (int i = 0; i < array.size(); i++) {
                inputs.add(input(f, f.object(array.get(i), "inputs[" + i + "]"), "inputs[" + i + "]"));
            }
            f.distinct(inputs.stream().map(InputSpec::name).toList(), "inputs");
        }
        List<OutputSpec> outputs = null;
        if (d.has("outputs")) {
            outputs = new ArrayList<>();
            JsonArray array = f.array(d, "outputs");
            for (int i = 0; i < array.size(); i++) {
                outputs.add(output(folder, f, f.object(array.get(i), "outputs[" + i + "]"), "outputs[" + i + "]"));
            }
            f.distinct(outputs.stream().map(OutputSpec::name).toList(), "outputs");
        }
        Map<String, long[]> warmup = new LinkedHashMap<>();
        if (d.has("warmup")) {
            for (Map.Entry<String, JsonElement> e :
                    f.object(d.get("warmup"), "warmup").entrySet()) {
                long[] shape = f.shape(e.getValue(), "warmup." + e.getKey());
                for (long dim : shape) {
                    if (dim < 1) {
                        throw f.error(
                                "warmup." + e.getKey(),
                                "has " + dim + "; a warm-up shape needs every" + " dimension 1 or more");
                    }
                }
                warmup.put(e.getKey(), shape);
            }
        }
        return new ModelDescriptor(folder, name, version, model, maxBatch, inputs, outputs, warmup);
    }

    private static Path modelFile(Path folder, String named, String where) {
        if (named != null) {
            Path file = folder.resolve(named);
            if (!Files.isRegularFile(file)) {
                throw new StoaException(
                        FailureCode.BAD_CONFIG,
                        where + ": 'model' names " + named + ", which is not" + " a file in " + folder
                                + "; put the ONNX file there or fix the name");
            }
            return file;
        }
        List<Path> onnx;
        try (var files = Files.list(folder)) {
            onnx = files.filter(p ->
                            p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".onnx"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new StoaException(
                    FailureCode.BAD_CONFIG, "model folder " + folder + " cannot be listed: " + e.getMessage(), e);
        }
        if (onnx.size() != 1) {
            throw new StoaException(
                    FailureCode.BAD_CONFIG,
                    "model folder " + folder + " holds " + onnx.size()
                            + " .onnx files "
                            + onnx.stream().map(p -> p.getFileName().toString()).toList() + "; name the"
                            + " one to serve as 'model' in " + where);
        }
        return onnx.get(0);
    }

    private static InputSpec input(Fields f, JsonObject o, String path) {
        f.known(o, path + ".", INPUT_FIELDS);
        String name = f.requiredString(o, "name", path);
        DType dtype = o.has("dtype") ? f.dtype(o, path) : null;
        long[] shape = o.has("shape") ? f.shape(o.get("shape"), path + ".shape") : null;
        ImagePreprocessing image =
                o.has("image") ? image(f, f.object(o.get("image"), path + ".image"), path + ".image") : null;
        return new InputSpec(name, dtype, shape, image);
    }

    private static OutputSpec output(Path folder, Fields f, JsonObject o, String path) {
        f.known(o, path + ".", OUTPUT_FIELDS);
        String name = f.requiredString(o, "name", path);
        DType dtype = o.has("dtype") ? f.dtype(o, path) : null;
        long[] shape = o.has("shape") ? f.shape(o.get("shape"), path + ".shape") : null;
        Postprocessing post = Postprocessing.IDENTITY;
        if (o.has("postprocess")) {
            JsonElement p = o.get("postprocess");
            if (p.isJsonPrimitive() && "identity".equals(p.getAsString())) {
                post = Postprocessing.IDENTITY;
            } else {
                JsonObject po = f.object(p, path + ".postprocess");
                String pp = path + ".postprocess";
                f.known(po, pp + ".", POST_FIELDS);
                boolean softmax = f.bool(po, "softmax", false, pp);
                int topK = f.integer(po, "topK", 0, 0, pp);
                post = new Postprocessing(softmax, topK, labels(folder, f, po, pp));
            }
        }
        return new OutputSpec(name, dtype, shape, post);
    }

    private static List<String> labels(Path folder, Fields f, JsonObject o, String path) {
        JsonElement e = o.get("labels");
        if (e == null || e.isJsonNull()) {
            return List.of();
        }
        if (e.isJsonArray()) {
            List<String> labels = new ArrayList<>();
            for (JsonElement l : e.getAsJsonArray()) {
                if (!l.isJsonPrimitive()) {
                    throw f.error(path + ".labels", "must be an array of strings or the name of a file in the folder");
                }
                labels.add(l.getAsString());
            }
            return List.copyOf(labels);
        }
        if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isString()) {
            Path file = folder.resolve(e.getAsString());
            try {
                // one label per line, as Triton's label files; a trailing empty line is not a label
                List<String> lines = new ArrayList<>(Files.readAllLines(file));
                while (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
                    lines.remove(lines.size() - 1);
                }
                return List.copyOf(lines);
            } catch (IOException x) {
                throw f.error(
                        path + ".labels",
                        "names " + e.getAsString() + ", which cannot be read in " + folder + " (" + x
                                + "); put a file with one label per line there");
            }
        }
        throw f.error(path + ".labels", "must be an array of strings or the name of a file in the folder");
    }

    private static ImagePreprocessing image(Fields f, JsonObject o, String path) {
        f.known(o, path + ".", IMAGE_FIELDS);
        ImagePreprocessing.Mode mode = ImagePreprocessing.Mode.find(f.string(o, "resize", "none"));
        if (mode == null) {
            throw f.error(
                    path + ".resize",
                    "is '" + f.string(o, "resize", "") + "'; use stretch, shorter-side," + " fit-height or none");
        }
        int width = 0;
        int height = 0;
        int size = 0;
        switch (mode) {
            case STRETCH, FIT_HEIGHT -> {
                width = f.integer(o, "width", -1, 1, path);
                height = f.integer(o, "height", -1, 1, path);
                if (width < 1 || height < 1) {
                    throw f.error(path, "resize '" + f.string(o, "resize", "") + "' needs 'width' and 'height'");
                }
            }
            case SHORTER_SIDE -> {
                size = f.integer(o, "size", -1, 1, path);
                if (size < 1) {
                    throw f.error(path, "resize 'shorter-side' needs 'size', the shorter side in pixels");
                }
            }
            case NONE -> {}
        }
        int cropWidth = 0;
        int cropHeight = 0;
        if (o.has("crop")) {
            JsonObject crop = f.object(o.get("crop"), path + ".crop");
            f.known(crop, path + ".crop.", Set.of("width", "height"));
            cropWidth = f.integer(crop, "width", -1, 1, path + ".crop");
            cropHeight = f.integer(crop, "height", -1, 1, path + ".crop");
            if (cropWidth < 1 || cropHeight < 1) {
                throw f.error(path + ".crop", "needs 'width' and 'height', in pixels");
            }
        }
        String channelName = f.string(o, "channels", "RGB").trim().toUpperCase(Locale.ROOT);
        ImagePreprocessing.Channels channels;
        try {
            channels = ImagePreprocessing.Channels.valueOf(channelName);
        } catch (IllegalArgumentException e) {
            throw f.error(path + ".channels", "is '" + channelName + "'; use RGB, BGR or GRAY");
        }
        String layout = f.string(o, "layout", "NCHW").trim().toUpperCase(Locale.ROOT);
        if (!layout.equals("NCHW") && !layout.equals("NHWC")) {
            throw f.error(path + ".layout", "is '" + layout + "'; use NCHW or NHWC");
        }
        float scale = (float) f.number(o, "scale", 1.0 / 255, path);
        float[] mean = f.perChannel(o, "mean", channels.count, 0f, path);
        float[] std = f.perChannel(o, "std", channels.count, 1f, path);
        for (float s : std) {
            if (s == 0) {
                throw f.error(path + ".std", "has a 0; every channel's std must be non-zero");
            }
        }
        return new ImagePreprocessing(
                mode,
                width,
                height,
                size,
                cropWidth,
                cropHeight,
                scale,
                mean,
                std,
                channels,
                layout.equals("NCHW"),
                (float) f.number(o, "pad", 0, path));
    }

    /** Typed field access with messages that name the descriptor, the field's path and what to write. */
    private record Fields(String where) {

        StoaException error(String path, String problem) {
            return new StoaException(FailureCode.BAD_CONFIG, where + ": '" + path + "' " + problem);
        }

        void known(JsonObject o, String prefix, Set<String> fields) {
            for (String key : o.keySet()) {
                if (!fields.contains(key)) {
                    throw error(
                            prefix + key,
                            "is not a known field; use "
                                    + fields.stream().sorted().toList());
                }
            }
        }

        void distinct(List<String> names, String path) {
            if (Set.copyOf(names).size() != names.size()) {
                throw error(path, "names an entry twice " + names + "; list each once");
            }
        }

        JsonObject object(JsonElement e, String path) {
            if (e == null || !e.isJsonObject()) {
                throw error(path, "must be a JSON object");
            }
            return e.getAsJsonObject();
        }

        JsonArray array(JsonObject o, String field) {
            JsonElement e = o.get(field);
            if (e == null || !e.isJsonArray()) {
                throw error(field, "must be an array");
            }
            return e.getAsJsonArray();
        }

        DType dtype(JsonObject o, String path) {
            String name = string(o, "dtype", "");
            DType t = DType.find(name);
            if (t == null) {
                throw error(path + ".dtype", "is '" + name + "'; use one of " + DType.supported());
            }
            return t;
        }

        String string(JsonObject o, String field, String fallback) {
            JsonElement e = o.get(field);
            if (e == null || e.isJsonNull()) {
                return fallback;
            }
            if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
                throw error(field, "must be a string");
            }
            return e.getAsString();
        }

        String requiredString(JsonObject o, String field, String path) {
            JsonElement e = o.get(field);
            if (e == null
                    || !e.isJsonPrimitive()
                    || !e.getAsJsonPrimitive().isString()
                    || e.getAsString().isBlank()) {
                throw error(
                        path + "." + field,
                        "is missing; name the model's " + (path.startsWith("in") ? "input" : "output"));
            }
            return e.getAsString();
        }

        double number(JsonObject o, String field, double fallback, String path) {
            JsonElement e = o.get(field);
            if (e == null || e.isJsonNull()) {
                return fallback;
            }
            if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
                throw error(path + "." + field, "must be a number");
            }
            return e.getAsDouble();
        }

        int integer(JsonObject o, String field, int fallback, int min) {
            return integer(o, field, fallback, min, null);
        }

        int integer(JsonObject o, String field, int fallback, int min, String path) {
            String p = path == null ? field : path + "." + field;
            JsonElement e = o.get(field);
            if (e == null || e.isJsonNull()) {
                return fallback;
            }
            if (!isInteger(e) || e.getAsLong() < min || e.getAsLong() > Integer.MAX_VALUE) {
                throw error(p, "is " + e + "; use a whole number of at least " + min);
            }
            return e.getAsInt();
        }

        boolean bool(JsonObject o, String field, boolean fallback, String path) {
            JsonElement e = o.get(field);
            if (e == null || e.isJsonNull()) {
                return fallback;
            }
            if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isBoolean()) {
                throw error(path + "." + field, "is " + e + "; use true or false");
            }
            return e.getAsBoolean();
        }

        long[] shape(JsonElement e, String path) {
            if (e == null || !e.isJsonArray()) {
                throw error(path, "must be an array of dimensions, -1 for one that varies, e.g. [-1, 3, 224, 224]");
            }
            JsonArray a = e.getAsJsonArray();
            long[] shape = new long[a.size()];
            for (int i = 0; i < shape.length; i++) {
                if (!isInteger(a.get(i))
                        || a.get(i).getAsLong() < -1
                        || a.get(i).getAsLong() == 0) {
                    throw error(
                            path + "[" + i + "]",
                            "is " + a.get(i) + "; a dimension is a positive whole number,"
                                    + " or -1 for one that varies");
                }
                shape[i] = a.get(i).getAsLong();
            }
            return shape;
        }

        float[] perChannel(JsonObject o, String field, int channels, float fallback, String path) {
            JsonElement e = o.get(field);
            float[] out = new float[channels];
            if (e == null || e.isJsonNull()) {
                Arrays.fill(out, fallback);
                return out;
            }
            if (!e.isJsonArray() || e.getAsJsonArray().size() != channels) {
                throw error(
                        path + "." + field,
                        "must be an array of " + channels + " numbers, one per channel in"
                                + " the tensor's channel order");
            }
            for (int i = 0; i < channels; i++) {
                JsonElement v = e.getAsJsonArray().get(i);
                if (!v.isJsonPrimitive() || !v.getAsJsonPrimitive().isNumber()) {
                    throw error(path + "." + field + "[" + i + "]", "must be a number");
                }
                out[i] = v.getAsFloat();
            }
            return out;
        }

        private static boolean isInteger(JsonElement e) {
            if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
                return false;
            }
            JsonPrimitive p = e.getAsJsonPrimitive();
            double d = p.getAsDouble();
            return d == Math.rint(d) && !Double.isInfinite(d);
        }
    }
}
