package dev.stoa.models.coca.internal;

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
import dev.stoa.encoders.internal.ResNetEncoderFactory;
import dev.stoa.losses.internal.CocaLossFactory;
import dev.stoa.nn.loss.TrainingLoss;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;

/** Builds CoCa as the factory does, and trains it as the trainer's step does. */
final class CocaTestSupport {

    /** How many training steps had non-finite gradients and were skipped, since the JVM started. */
    static final AtomicInteger SKIPPED = new AtomicInteger();

    /** The contrastive part of each step's loss in the last {@link #train} call. */
    static final List<Float> CONTRASTIVE = new ArrayList<>();

    private CocaTestSupport() {}

    /** A small variant (32 wide, 2 text layers, a two-stage ResNet at 32 px), so the tests train in seconds. */
    static CocaConfig config() {
        Properties p = new Properties();
        p.setProperty("width", "32");
        p.setProperty("heads", "2");
        p.setProperty("text_layers", "2");
        p.setProperty("embed_dim", "32");
        p.setProperty("image_size", "32");
        p.setProperty("image_widths", "16,32");
        p.setProperty("image_blocks", "1");
        p.setProperty("caption_queries", "8");
        p.setProperty("text_length", "40");
        return CocaConfig.read("test", p, "test");
    }

    static CocaTrainable model(CocaConfig config) {
        return CocaFactory.create("coca-test", config, new ResNetEncoderFactory());
    }

    /** One shape a scene, no word, drawn at 32 px: the learning test's scenes. */
    static Dataset shapes() {
        return new ShapesDatasetFactory().open(Map.of("seed", 3, "image_size", 32, "max_count", 1));
    }

    static TrainingLoss loss() {
        return new CocaLossFactory().create(Map.of());
    }

    /**
     * Adam on batches of the train split, as the trainer's step does (inputs, block, lossInputs, loss; a step whose
     * gradients are not finite is skipped and counted in {@link #SKIPPED}).
     *
     * @return the loss of every step
     */
    static List<Float> train(
            CocaTrainable model, TrainingLoss loss, Dataset data, NDManager manager, int steps, int batch, float lr) {
        Optimizer adam = Optimizer.adam()
                .optLearningRateTracker(Tracker.warmUp()
                        .setMainTracker(Tracker.fixed(lr))
                        .optWarmUpSteps(Math.min(50, steps / 5))
                        .build())
                .optBeta2(0.98f)
                .optClipGrad(1f)
                .build();
        Engine engine = Engine.getEngine("PyTorch");
        ParameterStore ps = new ParameterStore(manager, false);
        List<Float> losses = new ArrayList<>();
        CONTRASTIVE.clear();
        List<Pair<String, Parameter>> parameters = new ArrayList<>();
        model.block().getParameters().forEach(parameters::add);
        loss.getParameters().forEach(parameters::add);
        for (int step = 0; step < steps; step++) {
            List<Example> examples = new ArrayList<>();
            for (int i = 0; i < batch; i++) {
                examples.add(data.split("train").get(step * batch + i));
            }
            try (NDManager sub = manager.newSubManager()) {
                try (GradientCollector collector = engine.newGradientCollector()) {
                    NDList outputs =
                            model.block().forward(ps, model.inputs(sub, examples, new SplittableRandom(step)), true);
                    var terms = loss.evaluate(ps, model.lossInputs(outputs, examples, sub), true);
                    NDArray total = terms.total();
                    CONTRASTIVE.add(terms.parts().get("contrastive_loss").getFloat());
                    collector.backward(total);
                    losses.add(total.getFloat());
                }
                boolean finite = true;
                for (Pair<String, Parameter> p : parameters) {
                    if (p.getValue().requiresGradient()) {
                        finite &= Float.isFinite(p.getValue()
                                .getArray()
                                .getGradient()
                                .abs()
                                .sum()
                                .getFloat());
                    }
                }
                if (!finite) {
                    SKIPPED.incrementAndGet();
                }
                for (Pair<String, Parameter> p : parameters) {
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
