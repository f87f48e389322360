package dev.stoa.onnxruntime.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a model-folder service does with one output before answering. By default nothing ({@code identity}): the
 * tensor is returned as {@code {"dtype", "shape", "data"}}. Otherwise, over the last axis of a float output
 * {@code (..., K)}: an optional softmax, then, when {@code topK > 0}, the {@code topK} best classes of each row,
 * best first, as {@code {"classes": [[{"index": 3, "label": "cat", "score": 0.91}, ...], ...]}}, one list per row
 * (the rows are the output's leading dimensions, flattened). {@code topK} 1 is argmax.
 *
 * @param softmax whether to apply {@code exp(x_k - max) / sum_j exp(x_j - max)} over the last axis
 * @param topK how many classes to keep per row; 0 returns the (soft-maxed) tensor itself
 * @param labels the class names, index {@code k} naming class {@code k}; empty when the descriptor names none
 */
record Postprocessing(boolean softmax, int topK, List<String> labels) {

    /** Returns the tensor as it is. */
    static final Postprocessing IDENTITY = new Postprocessing(false, 0, List.of());

    /** @return whether this returns classes rather than a tensor */
    boolean classifies() {
        return topK > 0;
    }

    /**
     * @param output the model's output; float32 or float64 unless this is {@link #IDENTITY}
     * @return its JSON form, as the class comment says
     */
    Map<String, Object> apply(Tensor output) {
        if (!softmax && topK == 0) {
            return output.toJson();
        }
        long[] shape = output.shape();
        int classes = shape.length == 0 ? 1 : (int) shape[shape.length - 1];
        int rows = classes == 0 ? 0 : (int) (Tensor.elements(shape) / classes);
        float[] scores = new float[rows * classes];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = (float) output.get(i);
        }
        if (softmax) {
            for (int r = 0; r < rows; r++) {
                softmax(scores, r * classes, classes);
            }
        }
        if (topK == 0) {
            return new Tensor(DType.FLOAT32, shape, scores).toJson();
        }
        List<List<Map<String, Object>>> all = new ArrayList<>(rows);
        for (int r = 0; r < rows; r++) {
            all.add(top(scores, r * classes, classes));
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("classes", all);
        return json;
    }

    /** In place, over {@code x[from .. from + n)}; subtracting the maximum keeps {@code exp} finite. */
    static void softmax(float[] x, int from, int n) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = from; i < from + n; i++) {
            max = Math.max(max, x[i]);
        }
        double sum = 0;
        for (int i = from; i < from + n; i++) {
            sum += Math.exp(x[i] - max);
        }
        for (int i = from; i < from + n; i++) {
            x[i] = (float) (Math.exp(x[i] - max) / sum);
        }
    }

    private List<Map<String, Object>> top(float[] scores, int from, int n) {
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        // best first; equal scores keep the lower index first, so argmax is the first maximum as NumPy's
        Arrays.sort(
                order,
                Comparator.comparingDouble((Integer i) -> -scores[from + i]).thenComparingInt(i -> i));
        List<Map<String, Object>> best = new ArrayList<>();
        for (int j = 0; j < Math.min(topK, n); j++) {
            int k = order[j];
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("index", k);
            if (k < labels.size()) {
                c.put("label", labels.get(k));
            }
            c.put("score", scores[from + k]);
            best.add(c);
        }
        return best;
    }
}
