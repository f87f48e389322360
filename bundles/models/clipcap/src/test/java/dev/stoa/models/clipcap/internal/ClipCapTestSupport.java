package dev.stoa.models.clipcap.internal;

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
import dev.stoa.api.data.Image;
import dev.stoa.api.dataset.Dataset;
import dev.stoa.api.dataset.Example;
import dev.stoa.datasets.internal.ShapesDatasetFactory;
import dev.stoa.losses.internal.CaptioningLossFactory;
import dev.stoa.models.gpt.internal.GptFactory;
import dev.stoa.nn.loss.TrainingLoss;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;

/** Builds ClipCap models as the factory does, and trains them a few steps as the trainer does. */
final class ClipCapTestSupport {

    static final int EMBEDDING = 16;

    private ClipCapTestSupport() {}

    /**
     * Stands in for the CLIP image service, which is another bundle's OSGi service and needs a trained CLIP: a fixed,
     * seeded random projection of the pixels to E = 16, L2-normalised as CLIP's embeddings are. It keeps what a
     * caption needs (colour, shape) linearly recoverable, so a mapper can learn from it.
     */
    static final class PixelProjection implements ImageEmbedder {
        private final float[][] w = new float[EMBEDDING][];

        @Override
        public int dimension() {
            return EMBEDDING;
        }

        @Override
        public float[][] embed(List<Image> images) {
            float[][] out = new float[images.size()][EMBEDDING];
            for (int i = 0; i < out.length; i++) {
                byte[] rgb = images.get(i).rgb();
                synchronized (w) {
                    if (w[0] == null) {
                        SplittableRandom r = new SplittableRandom(7);
                        for (int e = 0; e < EMBEDDING; e++) {
                            w[e] = new float[rgb.length];
                            for (int j = 0; j < rgb.length; j++) {
                                w[e][j] = (float) (r.nextDouble() * 2 - 1);
                            }
                        }
                    }
                }
                double norm = 0;
                for (int e = 0; e < EMBEDDING; e++) {
                    double s = 0;
                    for (int j = 0; j < rgb.length; j++) {
                        s += w[e][j] * ((rgb[j] & 0xff) / 255.0 - 0.5);
                    }
                    out[i][e] = (float) s;
                    norm += s * s;
                }
                for (int e = 0; e < EMBEDDING; e++) {
                    out[i][e] /= (float) Math.sqrt(norm);
                }
            }
            return out;
        }
    }

    /** A small decoder (32 wide, 1 layer, 96 positions), so the tests train in seconds. */
    static ClipCapConfig config(String mapper, boolean freeze) {
        Properties p = new Properties();
        p.setProperty("mapper", mapper);
        p.setProperty("prefix_length", "3");
        p.setProperty("mapper_layers", "1");
        p.setProperty("mapper_heads", "2");
        p.setProperty("freeze_decoder", Boolean.toString(freeze));
        p.setProperty("caption_length", "48");
        p.setProperty("decoder.context_length", "96");
        p.setProperty("decoder.width", "32");
        p.setProperty("decoder.layers", "1");
        p.setProperty("decoder.heads", "2");
        return ClipCapConfig.read(mapper, p, "test");
    }

    static ClipCapTrainable trainable(ClipCapConfig config) {
        return new ClipCapTrainable(
                "clipcap-test",
                config,
                new ClipCap(config, new GptFactory().create(config.decoder())),
                new PixelProjection(),
                null);
    }

    static Dataset shapes() {
        return new ShapesDatasetFactory().open(Map.of("seed", 3, "image_size", 32));
    }

    /**
     * Trains {@code steps} steps of Adam (lr 3e-3) on batches of the train split, as the trainer's step does
     * (inputs, block, lossInputs, loss), updating only parameters that require gradients.
     *
     * @return the loss of every step
     */
    static List<Float> train(ClipCapTrainable model, Dataset data, NDManager manager, int steps, int batch) {
        TrainingLoss loss = new CaptioningLossFactory().create(Map.of());
        Optimizer adam =
                Optimizer.adam().optLearningRateTracker(Tracker.fixed(3e-3f)).build();
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
                for (Pair<String, Parameter> p : model.block().getParameters()) {
                    if (p.getValue().requiresGradient()) {
                        NDArray weight = p.getValue().getArray();
                        adam.update(p.getKey(), weight, weight.getGradient());
                        weight.getGradient().set(new ai.djl.ndarray.index.NDIndex(":"), 0f);
                    }
                }
            }
        }
        return losses;
    }
}
