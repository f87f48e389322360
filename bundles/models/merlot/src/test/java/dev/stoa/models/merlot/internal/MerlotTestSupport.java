package dev.stoa.models.merlot.internal;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import dev.stoa.api.dataset.Dataset;
import dev.stoa.api.dataset.Example;
import dev.stoa.datasets.internal.ShapeClipsDatasetFactory;
import dev.stoa.losses.internal.MerlotLossFactory;
import dev.stoa.nn.loss.LossTerms;
import dev.stoa.nn.loss.TrainingLoss;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

/** Builds MERLOT as the factory does, and trains it as the trainer's step does (inputs, block, lossInputs, loss). */
final class MerlotTestSupport {

    /** How many training steps had non-finite gradients and were skipped, since the JVM started. */
    static final AtomicInteger SKIPPED = new AtomicInteger();

    private MerlotTestSupport() {}

    /**
     * A small variant (32 wide, 2 layers, 4x4 patches of 32 px frames, a motion map of 4 channels), so the tests train in
     * seconds.
     */
    static MerlotConfig config() {
        Properties p = new Properties();
        p.setProperty("width", "32");
        p.setProperty("layers", "2");
        p.setProperty("frame_layers", "1");
        p.setProperty("heads", "2");
        p.setProperty("image_size", "32");
        p.setProperty("patch_size", "8");
        p.setProperty("stem_channels", "8");
        p.setProperty("frames", "4");
        p.setProperty("text_length", "8");
        p.setProperty("mask_probability", "0.15");
        p.setProperty("grounded_mask_probability", "0.5");
        p.setProperty("order_fraction", "0.5");
        p.setProperty("transcript_drop", "0.5");
        p.setProperty("motion_channels", "4");
        return MerlotConfig.read("test", p, "test");
    }

    /** The tiny variant as the bundle ships it. */
    static MerlotConfig tiny() {
        return new MerlotFactory(path -> MerlotTestSupport.class.getResource("/" + path)).variant("tiny");
    }

    static Dataset clips() {
        return new ShapeClipsDatasetFactory().open(Map.of("seed", 0, "image_size", 32, "frames", 4));
    }

    static List<Float> train(MerlotTrainable model, Dataset data, NDManager manager, int steps, int batch) {
        return train(model, data, manager, steps, batch, Tracker.fixed(2e-3f), Map.of(), null);
    }

    /**
     * Adam on batches of the train split; a step whose gradients are not finite is skipped and counted.
     *
     * @return the loss of every step
     */
    static List<Float> train(
            MerlotTrainable model,
            Dataset data,
            NDManager manager,
            int steps,
            int batch,
            Tracker lr,
            Map<String, ?> lossOptions,
            BiConsumer<Integer, LossTerms> every) {
        TrainingLoss loss = new MerlotLossFactory().create(lossOptions);
        Optimizer adam = Optimizer.adam()
                .optLearningRateTracker(lr)
                .optBeta2(0.98f)
                .optClipGrad(1f)
                .build();
        Engine engine = Engine.getEngine("PyTorch");
        ParameterStore ps = new ParameterStore(manager, false);
        List<Pair<String, Parameter>> parameters = new ArrayList<>();
        List<Float> losses = new ArrayList<>();
        for (int step = 0; step < steps; step++) {
            List<Example> examples = new ArrayList<>();
            for (int i = 0; i < batch; i++) {
                examples.add(data.split("train").get(step * batch + i));
            }
            try (NDManager sub = manager.newSubManager()) {
                NDList inputs = model.inputs(sub, examples, new java.util.SplittableRandom(step));
                if (step == 0) {
                    try (NDManager scope = manager.newSubManager()) {
                        NDList out = model.block().forward(new ParameterStore(scope, false), inputs, false);
                        NDList in = model.lossInputs(out, examples, scope);
                        loss.initialize(manager, DataType.FLOAT32, in.getShapes());
                    }
                    parameters.addAll(model.block().getParameters().stream().toList());
                    for (Pair<String, Parameter> p : loss.getParameters()) {
                        if (p.getValue().requiresGradient()) {
                            parameters.add(new Pair<>("loss." + p.getKey(), p.getValue()));
                        }
                    }
                }
                LossTerms terms;
                try (GradientCollector collector = engine.newGradientCollector()) {
                    NDList outputs = model.block().forward(ps, inputs, true);
                    terms = loss.evaluate(ps, model.lossInputs(outputs, examples, sub), true);
                    collector.backward(terms.total());
                    losses.add(terms.total().getFloat());
                }
                if (every != null) {
                    every.accept(step, terms);
                }
                boolean finite = true;
                for (Pair<String, Parameter> p : parameters) {
                    NDArray g = p.getValue().getArray().getGradient();
                    finite &= Float.isFinite(g.abs().sum().getFloat());
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
                        weight.getGradient().set(new NDIndex(":"), 0f);
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
