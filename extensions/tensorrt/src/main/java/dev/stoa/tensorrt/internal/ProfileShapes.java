package dev.stoa.tensorrt.internal;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import dev.stoa.api.engine.EngineOptions;
import dev.stoa.api.tensor.TensorSignature;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * TensorRT's optimisation profile: for each input, the smallest, the typical and the largest shape the engine
 * accepts. Computed from the graph's declared inputs ({@code -1} for a dynamic dimension) and the
 * {@link EngineOptions}: an input named in {@code shapeRanges} takes its {@code [min, opt, max]} from there; any other
 * input with a dynamic first dimension (the batch) gets {@code 1, maxBatch, maxBatch} for it. A dynamic dimension
 * other than the first needs an explicit range, since nothing says how large it may get.
 */
final class ProfileShapes {

    /** One input's range; the arrays are the caller's to keep. */
    record Range(long[] min, long[] opt, long[] max) {

        /** @return whether the shape has this range's rank and lies within it, dimension by dimension */
        boolean contains(long[] shape) {
            if (shape.length != min.length) {
                return false;
            }
            for (int i = 0; i < shape.length; i++) {
                if (shape[i] < min[i] || shape[i] > max[i]) {
                    return false;
                }
            }
            return true;
        }

        /** @return whether every dimension is fixed (min equals max), so that the profile need not name it */
        boolean isStatic() {
            return Arrays.equals(min, max);
        }

        @Override
        public String toString() {
            return Arrays.toString(min) + " / " + Arrays.toString(opt) + " / " + Arrays.toString(max);
        }
    }

    private ProfileShapes() {}

    /**
     * @param inputs the graph's inputs, {@code -1} for dynamic dimensions
     * @param options the batch limit and explicit ranges
     * @return each input's range, in the graph's order
     * @throws StoaException {@link FailureCode#BAD_CONFIG} naming the input when a range does not fit the graph, or
     *     when a dynamic dimension has no range
     */
    static Map<String, Range> compute(List<TensorSignature.Tensor> inputs, EngineOptions options) {
        Map<String, long[][]> explicit = options.shapeRanges();
        for (String name : explicit.keySet()) {
            if (inputs.stream().noneMatch(t -> t.name().equals(name))) {
                throw new StoaException(
                        FailureCode.BAD_CONFIG,
                        "shapeRanges names input '" + name + "', which the graph does not have; its inputs are "
                                + inputs.stream()
                                        .map(TensorSignature.Tensor::name)
                                        .toList());
            }
        }
        Map<String, Range> ranges = new LinkedHashMap<>();
        for (TensorSignature.Tensor input : inputs) {
            long[] declared = input.shape();
            long[][] given = explicit.get(input.name());
            ranges.put(
                    input.name(),
                    given != null
                            ? checkExplicit(input.name(), declared, given)
                            : implicit(input.name(), declared, options.maxBatch()));
        }
        return ranges;
    }

    private static Range implicit(String name, long[] declared, int maxBatch) {
        long[] min = declared.clone();
        long[] opt = declared.clone();
        long[] max = declared.clone();
        for (int i = 0; i < declared.length; i++) {
            if (declared[i] >= 0) {
                continue;
            }
            if (i != 0) {
                throw new StoaException(
                        FailureCode.BAD_CONFIG,
                        "input '" + name + "' has shape " + Arrays.toString(declared) + " with dynamic dimension " + i
                                + ", which only the batch (dimension 0) may be without a range; give its"
                                + " [min, opt, max] shapes in shapeRanges['" + name + "']");
            }
            min[0] = 1;
            opt[0] = maxBatch;
            max[0] = maxBatch;
        }
        return new Range(min, opt, max);
    }

    private static Range checkExplicit(String name, long[] declared, long[][] given) {
        String field = "shapeRanges['" + name + "']";
        if (given.length != 3) {
            throw new StoaException(
                    FailureCode.BAD_CONFIG, field + " has " + given.length + " shapes; give three: [min, opt, max]");
        }
        String[] which = {"min", "opt", "max"};
        for (int k = 0; k < 3; k++) {
            if (given[k] == null || given[k].length != declared.length) {
                throw new StoaException(
                        FailureCode.BAD_CONFIG,
                        field + " " + which[k] + " shape "
                                + (given[k] == null ? "is missing" : Arrays.toString(given[k]))
                                + " does not have the input's rank " + declared.length + " (the graph declares "
                                + Arrays.toString(declared) + ")");
            }
        }
        for (int i = 0; i < declared.length; i++) {
            long lo = given[0][i];
            long mid = given[1][i];
            long hi = given[2][i];
            if (lo < 1 || lo > mid || mid > hi) {
                throw new StoaException(
                        FailureCode.BAD_CONFIG,
                        field + " dimension " + i + " is " + lo + " / " + mid + " / " + hi
                                + "; it needs 1 <= min <= opt <= max");
            }
            if (declared[i] >= 0 && (lo != declared[i] || hi != declared[i])) {
                throw new StoaException(
                        FailureCode.BAD_CONFIG,
                        field + " dimension " + i + " is " + lo + " / " + mid + " / " + hi + ", but the graph fixes"
                                + " it at " + declared[i] + " (shape " + Arrays.toString(declared) + ")");
            }
        }
        return new Range(given[0].clone(), given[1].clone(), given[2].clone());
    }

    /**
     * @param input the input's name
     * @param shape the shape sent
     * @param range the engine's range for it
     * @throws StoaException {@link FailureCode#SHAPE_MISMATCH} naming the input, its shape, the range and the fix
     */
    static void check(String input, long[] shape, Range range) {
        if (range.contains(shape)) {
            return;
        }
        String detail;
        if (shape.length != range.min().length) {
            detail = "it has " + shape.length + " dimensions, the engine takes " + range.min().length;
        } else {
            int i = 0;
            while (shape[i] >= range.min()[i] && shape[i] <= range.max()[i]) {
                i++;
            }
            detail = "dimension " + i + " is " + shape[i] + ", the engine takes " + range.min()[i] + " to "
                    + range.max()[i];
        }
        throw new StoaException(
                FailureCode.SHAPE_MISMATCH,
                "input '" + input + "' has shape " + Arrays.toString(shape) + ", outside the engine's profile "
                        + Arrays.toString(range.min()) + " .. " + Arrays.toString(range.max()) + " (" + detail
                        + "); send smaller batches, or open the engine with a larger maxBatch or shapeRanges");
    }

    /**
     * The profile part of the engine cache's key: with the ONNX file's hash, the options determine each profile, and
     * the engine holds one identical profile per execution context ({@code contexts}).
     *
     * @param options the options
     * @param contexts the execution contexts the engine is built for
     * @return e.g. {@code maxBatch=32;input_ids=[1, 1]/[32, 77]/[32, 77];contexts=2}
     */
    static String describe(EngineOptions options, int contexts) {
        return describe(options) + ";contexts=" + contexts;
    }

    /**
     * The options as the engine cache's key takes them: with the ONNX file's hash, they determine the profile.
     *
     * @param options the options
     * @return e.g. {@code maxBatch=32;input_ids=[1, 1]/[32, 77]/[32, 77]}, ranges sorted by input name
     */
    static String describe(EngineOptions options) {
        Map<String, long[][]> sorted = new TreeMap<>(options.shapeRanges());
        String ranges = sorted.entrySet().stream()
                .map(e -> e.getKey() + "="
                        + Arrays.stream(e.getValue()).map(Arrays::toString).collect(Collectors.joining("/")))
                .collect(Collectors.joining(";"));
        return "maxBatch=" + options.maxBatch() + (ranges.isEmpty() ? "" : ";" + ranges);
    }
}
