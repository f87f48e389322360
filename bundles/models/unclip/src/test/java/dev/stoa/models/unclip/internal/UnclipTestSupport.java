package dev.stoa.models.unclip.internal;

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
import dev.stoa.losses.internal.DiffusionLossFactory;
import dev.stoa.nn.loss.TrainingLoss;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;

/** A small unCLIP over the stand-in CLIP ({@link PixelClip}), the shapes data the training file uses, and the
 * trainer's step (Adam), for the tests. */
final class UnclipTestSupport {

    /** E of the stand-in CLIP. */
    static final int DIMENSION = 32;

    private UnclipTestSupport() {}

    /** @return the tiny variant with the overrides, e.g. {@code channels=16} */
    static UnclipConfig config(String... overrides) {
        UnclipConfig tiny = factory().variant("tiny");
        Properties p = tiny.toProperties();
        for (String o : overrides) {
            String[] kv = o.split("=", 2);
            p.setProperty(kv[0], kv[1]);
        }
        return UnclipConfig.read("tiny", p, "test");
    }

    static UnclipFactory factory() {
        return new UnclipFactory(
                path -> UnclipTestSupport.class.getResource("/" + path), clip -> new PixelClip(DIMENSION));
    }

    static UnclipTrainable trainable(UnclipConfig config) {
        return new UnclipTrainable("unclip-test", config, new Unclip(config, DIMENSION), new PixelClip(DIMENSION));
    }

    /** @return one shape a picture, no word, 32 px on white: as the training file */
    static Dataset shapes() {
        return new ShapesDatasetFactory()
                .open(Map.of(
                        "seed",
                        0,
                        "image_size",
                        32,
                        "max_count",
                        1,
                        "text_probability",
                        0.0,
                        "min_size",
                        0.5,
                        "max_size",
                        0.8));
    }

    /**
     * Trains {@code steps} steps of Adam on consecutive batches of the train split, as the trainer's step does.
     *
     * @return the loss of every step
     */
    static List<Float> train(UnclipTrainable model, Dataset data, NDManager manager, int steps, int batch, float lr) {
        TrainingLoss loss = new DiffusionLossFactory().create(Map.of());
        // as the training file: a linear warm-up over the first 50 steps, gradients clipped
        Optimizer adam = Optimizer.adam()
                .optLearningRateTracker(Tracker.warmUp()
                        .setMainTracker(Tracker.fixed(lr))
                        .optWarmUpSteps(50)
                        .build())
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
            // as the trainer does: a step whose gradients are not finite (rare, random, in the CPU kernels) is
            // recomputed rather than applied
            for (int attempt = 0; ; attempt++) {
                try (NDManager sub = manager.newSubManager()) {
                    float value;
                    try (GradientCollector collector = engine.newGradientCollector()) {
                        NDList inputs = model.inputs(sub, examples, new SplittableRandom(step));
                        NDList outputs = model.block().forward(ps, inputs, true);
                        NDArray total = loss.evaluate(ps, model.lossInputs(outputs, examples, sub), true)
                                .total();
                        collector.backward(total);
                        value = total.getFloat();
                    }
                    if (!Float.isFinite(value) || !finiteGradients(model.block())) {
                        zeroGradients(model.block());
                        if (attempt < 3) {
                            continue;
                        }
                        break; // skipped, as the trainer skips a step that stays non-finite
                    }
                    losses.add(value);
                    step(model.block(), adam);
                    break;
                }
            }
        }
        return losses;
    }

    private static boolean finiteGradients(Block block) {
        for (Pair<String, Parameter> p : block.getParameters()) {
            NDArray g = p.getValue().getArray().getGradient();
            if (g.isNaN().any().getBoolean() || g.isInfinite().any().getBoolean()) {
                return false;
            }
        }
        return true;
    }

    private static void zeroGradients(Block block) {
        for (Pair<String, Parameter> p : block.getParameters()) {
            p.getValue().getArray().getGradient().set(new ai.djl.ndarray.index.NDIndex(":"), 0f);
        }
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

    static double mean(List<Float> losses, int from, int to) {
        return losses.subList(from, to).stream()
                .mapToDouble(Float::doubleValue)
                .average()
                .orElseThrow();
    }
}
