package dev.stoa.nn.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A training objective as a DJL block. Its {@code forward} takes the model's outputs (and labels, where the loss
 * has them), as each implementation documents, and returns {@code [total, part_1, ..., part_k]}: scalars, each a
 * batch mean, the parts named by {@link #partNames()} and summing to the total. A loss may have parameters (CLIP's
 * learned temperature); the trainer optimises and saves them with the model's.
 */
public interface TrainingLoss extends Block {

    /** @return the names of the parts, in the order {@code forward} returns them after the total */
    List<String> partNames();

    /**
     * Runs {@code forward} and names its outputs.
     *
     * @param parameterStore where the loss's parameters are read
     * @param inputs the model's outputs and labels, as the implementation documents
     * @param training whether gradients are recorded for the loss's parameters
     * @return the total and its named parts
     */
    default LossTerms evaluate(ParameterStore parameterStore, NDList inputs, boolean training) {
        NDList out = forward(parameterStore, inputs, training);
        List<String> names = partNames();
        if (out.size() != names.size() + 1) {
            throw new IllegalStateException(
                    getClass().getSimpleName() + " returned " + out.size() + " arrays for a total and parts " + names);
        }
        Map<String, NDArray> parts = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            parts.put(names.get(i), out.get(i + 1));
        }
        return new LossTerms(out.get(0), parts);
    }
}
