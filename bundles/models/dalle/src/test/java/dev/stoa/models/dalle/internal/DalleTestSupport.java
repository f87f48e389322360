package dev.stoa.models.dalle.internal;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import dev.stoa.api.dataset.Dataset;
import dev.stoa.api.dataset.Example;
import dev.stoa.datasets.internal.ShapesDatasetFactory;
import dev.stoa.nn.loss.TrainingLoss;
import dev.stoa.nn.train.TrainableModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/** A short training loop as the trainer's (Adam, gradients of the parameters that require them), and the data. */
final class DalleTestSupport {

    private DalleTestSupport() {}

    /** @return the data the shipped training files use: one shape, no word, 32 px */
    static Dataset shapes() {
        return new ShapesDatasetFactory()
                .open(Map.of("seed", 0, "image_size", 32, "max_count", 1, "text_probability", 0.0));
    }

    /** @return the loss of every step, each on the next {@code batch} training examples */
    static List<Float> train(
            TrainableModel model, TrainingLoss loss, Dataset data, NDManager manager, int steps, int batch, float lr) {
        Optimizer adam =
                Optimizer.adam().optLearningRateTracker(Tracker.fixed(lr)).build();
        Engine engine = Engine.getEngine("PyTorch");
        ParameterStore ps = new ParameterStore(manager, false);
        List<Float> losses = new ArrayList<>();
        for (int step = 0; step < steps; step++) {
            List<Example> examples = new ArrayList<>();
            for (int i = 0; i < batch; i++) {
                examples.add(data.split("train").get(step * batch + i));
            }
            try (NDManager sub = manager.newSubManager()) {
                try (GradientCollector collector = engine.newGradientCollector()) {
                    NDList inputs = model.inputs(sub, examples, new SplittableRandom(step));
                    NDList outputs = model.block().forward(ps, inputs, true);
                    NDArray total = loss.evaluate(ps, model.lossInputs(outputs, examples, sub), true)
                            .total();
                    collector.backward(total);
                    losses.add(total.getFloat());
                }
                step(model.block(), adam);
            }
        }
        return losses;
    }

    private static void step(Block block, Optimizer adam) {
        for (Pair<String, Parameter> p : block.getParameters()) {
            if (p.getValue().requiresGradient()) {
                NDArray weight = p.getValue().getArray();
                adam.update(p.getKey(), weight, weight.getGradient());
                weight.getGradient().set(new ai.djl.ndarray.index.NDIndex(":"), 0f);
            }
        }
    }

    /** @return the mean of losses[from, to) */
    static double mean(List<Float> losses, int from, int to) {
        return losses.subList(from, to).stream()
                .mapToDouble(Float::doubleValue)
                .average()
                .orElseThrow();
    }
}
