package dev.stoa.models.fusion.internal;

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
import dev.stoa.losses.internal.MaskedMatchingLossFactory;
import dev.stoa.nn.loss.TrainingLoss;
import dev.stoa.nn.train.BaseTrainableModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;

/** Builds VisualBERT and ViLBERT as their factories do, and trains them as the trainer's step does. */
final class FusionTestSupport {

    /** How many training steps had non-finite gradients and were skipped, since the JVM started. */
    static final java.util.concurrent.atomic.AtomicInteger SKIPPED = new java.util.concurrent.atomic.AtomicInteger();

    private FusionTestSupport() {}

    /** A small variant (32 wide, 2 layers, 4x4 patches of 32 px), so the tests train in seconds. */
    static VisualBertConfig config(int maxCount) {
        Properties p = new Properties();
        p.setProperty("width", "32");
        p.setProperty("layers", "2");
        p.setProperty("heads", "2");
        p.setProperty("image_size", "32");
        p.setProperty("patch_size", "8");
        p.setProperty("stem_channels", "8");
        p.setProperty("text_length", "10");
        p.setProperty("max_count", Integer.toString(maxCount));
        p.setProperty("mask_probability", "0.15");
        p.setProperty("grounded_mask_probability", "0.5");
        p.setProperty("mlm_fraction", "0.5");
        p.setProperty("negative_fraction", "0.5");
        p.setProperty("hard_negative_fraction", "0.5");
        return VisualBertConfig.read("test", p, "test");
    }

    /**
     * A small ViLBERT (text stream 32 wide with 1 layer, image stream 24 wide with 1 layer, 1 co-attention layer; 4x4
     * patches of 32 px), so the tests train in seconds; the two widths differ, as the paper's do.
     */
    static VilbertConfig vilbertConfig(int maxCount) {
        Properties p = new Properties();
        p.setProperty("text_width", "32");
        p.setProperty("text_heads", "2");
        p.setProperty("text_layers", "1");
        p.setProperty("image_width", "24");
        p.setProperty("image_heads", "2");
        p.setProperty("image_layers", "1");
        p.setProperty("co_layers", "1");
        p.setProperty("image_size", "32");
        p.setProperty("patch_size", "8");
        p.setProperty("stem_channels", "8");
        p.setProperty("text_length", "10");
        p.setProperty("max_count", Integer.toString(maxCount));
        p.setProperty("mask_probability", "0.15");
        p.setProperty("grounded_mask_probability", "0.5");
        p.setProperty("region_mask_probability", "0.15");
        p.setProperty("mlm_fraction", "0.5");
        p.setProperty("negative_fraction", "0.5");
        p.setProperty("hard_negative_fraction", "0.5");
        return VilbertConfig.read("test", p, "test");
    }

    static Dataset shapes(int maxCount) {
        return new ShapesDatasetFactory().open(Map.of("seed", 3, "image_size", 32, "max_count", maxCount));
    }

    /**
     * Adam (lr 2e-3) on batches of the train split, as the trainer's step does (inputs, block, lossInputs, loss).
     *
     * @return the loss of every step
     */
    static List<Float> train(BaseTrainableModel<?> model, Dataset data, NDManager manager, int steps, int batch) {
        return train(model, data, manager, steps, batch, Tracker.fixed(2e-3f), null);
    }

    /**
     * @param lr the learning rate by step
     * @param every called after each step with the step number and the loss, or null
     * @return the loss of every step
     */
    static List<Float> train(
            BaseTrainableModel<?> model,
            Dataset data,
            NDManager manager,
            int steps,
            int batch,
            Tracker lr,
            java.util.function.BiConsumer<Integer, Float> every) {
        // ViLBERT's masked regions are the loss's third term, as its training file asks
        TrainingLoss loss = new MaskedMatchingLossFactory()
                .create(model instanceof VilbertTrainable ? Map.of("region_weight", 1.0) : Map.of());
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
                // a step whose gradients are not finite is skipped (see SKIPPED), as the platform's AdamW does:
                // oneDNN's
                // AVX-512 convolution backward returns NaN now and then unless ONEDNN_MAX_CPU_ISA caps it at AVX2, as
                // the root pom does for tests (platform/djl/README.md)
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
