package dev.stoa.models.clip.internal;

import dev.stoa.api.dataset.Example;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Zero-shot accuracy per attribute, to tell which part of a composed label a model gets wrong: on held-out
 * colour-shape combinations a wrong "green square" for a green triangle is a shape error, "red triangle" a colour
 * error. An attribute of an example counts when its value is one of the words of the example's label (for the shapes
 * dataset: {@code colour} and {@code shape}, not {@code count} or {@code size}); a prediction gets the attribute
 * right when the predicted label has that value among its words.
 *
 * <p>{@code accuracy(a) = |{i : a counts for i, value_a(i) ∈ words(predicted_i)}| / |{i : a counts for i}|}, for each
 * attribute that counts for at least one example, by name.
 */
final class AttributeAccuracy {

    private AttributeAccuracy() {}

    /**
     * @param examples the evaluated examples, each with a label
     * @param predicted the label predicted for each, same order
     * @return attribute name to accuracy in [0, 1]; empty when no attribute appears in the labels
     */
    static Map<String, Double> of(List<Example> examples, List<String> predicted) {
        if (examples.size() != predicted.size()) {
            throw new IllegalArgumentException(
                    examples.size() + " examples but " + predicted.size() + " predictions; give one each");
        }
        Map<String, int[]> counts = new TreeMap<>();
        for (int i = 0; i < examples.size(); i++) {
            Example e = examples.get(i);
            if (e.label() == null) {
                continue;
            }
            Set<String> truth = words(e.label());
            Set<String> guess = words(predicted.get(i));
            for (Map.Entry<String, String> a : e.attributes().entrySet()) {
                if (truth.contains(a.getValue())) {
                    int[] c = counts.computeIfAbsent(a.getKey(), k -> new int[2]);
                    c[0] += guess.contains(a.getValue()) ? 1 : 0;
                    c[1]++;
                }
            }
        }
        Map<String, Double> out = new LinkedHashMap<>();
        counts.forEach((name, c) -> out.put(name, (double) c[0] / c[1]));
        return out;
    }

    private static Set<String> words(String label) {
        return new HashSet<>(Arrays.asList(label.trim().split("\\s+")));
    }
}
