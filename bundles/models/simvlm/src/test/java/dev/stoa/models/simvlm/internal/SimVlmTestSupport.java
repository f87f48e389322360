package dev.stoa.models.simvlm.internal;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import dev.stoa.api.dataset.Dataset;
import dev.stoa.api.dataset.Example;
import dev.stoa.datasets.internal.ShapesDatasetFactory;
import dev.stoa.losses.internal.CaptioningLossFactory;
import dev.stoa.nn.loss.TrainingLoss;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;

/** Builds SimVLM as the factory does, and trains it as the trainer's step does. */
final class SimVlmTestSupport {

    /** How many training steps had non-finite gradients and were skipped, since the JVM started. */
    static final java.util.concurrent.atomic.AtomicInteger SKIPPED = new java.util.concurrent.atomic.AtomicInteger();

    private SimVlmTestSupport() {}

    /** A small variant (32 wide, one encoder and one decoder layer, 32 px, 16 image tokens), trains in seconds. */
    static SimVlmConfig config(int maxCount, double textOnlyFraction) {
        Properties p = new Properties();
        p.setProperty("width", "32");
        p.setProperty("encoder_layers", "1");
        p.setProperty("decoder_layers", "1");
        p.setProperty("heads", "2");
        p.setProperty("image_size", "32");
        p.setProperty("patch_size", "4");
        p.setProperty("stem_channels", "8");
        p.setProperty("text_length", "8");
        p.setProperty("max_count", Integer.toString(maxCount));
        p.setProperty("text_only_fraction", Double.toString(textOnlyFraction));
        return SimVlmConfig.read("test", p, "test");
    }

    /** The captioning loss as a training file sets it for SimVLM: targets aligned, PAD (0) ignored. */
    static TrainingLoss loss() {
        return new CaptioningLossFactory().create(Map.of("shift", false, "ignore_id", 0));
    }

    static Dataset shapes(int maxCount) {
        return new ShapesDatasetFactory().open(Map.of("seed", 3, "image_size", 32, "max_count", maxCount));
    }

    /**
     * Adam (lr 2e-3) on batches of the train split, as the trainer's step does (inputs, block, lossInputs, loss).
     *
     * @return the loss of every step
     */
    static List<Float> train(SimVlmTrainable model, Dataset data, NDManager manager, int steps, int batch) {
        return train(model, data, manager, steps, batch, Tracker.fixed(2e-3f), null);
    }

    /**
     * @param lr the learning rate by step
     * @param every called after each step with the step number and the loss, or null
     * @return the loss of every step
     */
    static List<Float> train(
            SimVlmTrainable model,
            Dataset data,
            NDManager manager,
            int steps,
            int batch,
            Tracker lr,
            java.util.function.BiConsumer<Integer, Float> every) {
        TrainingLoss loss = loss();
        Optimizer adam = Optimizer.adam()
                .optLearningRateTracker(lr)
                .optBeta2(0.98f)
                .optClipGrad(1f)
                .build();
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
                    NDList outputs =
                            model.block().forward(ps, model.inputs(sub, examples, new SplittableRandom(step)), true);
                    NDArray total = loss.evaluate(ps, model.lossInputs(outputs, examples, sub), true)
                            .total();
                    collector.backward(total);
                    losses.add(total.getFloat());
                }
                if (every != null) {
                    every.accept(step, losses.get(step));
                }
                // a step whose gradients are not finite is skipped (see SKIPPED), as the platform's trainer does: they
                // turn NaN now and then while the loss stays finite (bundles/models/fusion/README.md); SimVLM's
                // benchmark saw one in 1500 steps
                boolean finite = true;
                for (Pair<String, Parameter> p : model.block().getParameters()) {
                    NDArray g = p.getValue().getArray().getGradient();
                    finite &= Float.isFinite(g.abs().sum().getFloat());
                }
                if (!finite) {
                    SKIPPED.incrementAndGet();
                }
                for (Pair<String, Parameter> p : model.block().getParameters()) {
                    if (p.getValue().requiresGradient()) {
                        NDArray weight = p.getValue().getArray();
                        if (finite) {
                            adam.update(p.getKey(), weight, weight.getGradient());
                        }
                        weight.getGradient().set(new ai.djl.ndarray.index.NDIndex(":"), 0f);
                    }
                }
            }
        }
        return losses;
    }

    static double mean(List<Float> values) {
        return values.stream().mapToDouble(Float::doubleValue).average().orElseThrow();
    }
}
