package dev.stoa.train.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.stoa.api.data.Image;
import dev.stoa.api.dataset.Dataset;
import dev.stoa.api.dataset.DatasetFactory;
import dev.stoa.api.dataset.Example;
import dev.stoa.nn.loss.LossFactory;
import dev.stoa.nn.loss.TrainingLoss;
import dev.stoa.nn.train.TrainableModel;
import dev.stoa.nn.train.TrainableModelFactory;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A small, real training problem for the trainer's tests: 4x4 images tinted red, green or blue under heavy noise,
 * classified by a linear layer with softmax cross-entropy. Small enough to train in a second, hard enough that an
 * untrained model is at chance (1/3).
 */
final class Toy {

    static final List<String> LABELS = List.of("red", "green", "blue");
    static final int SIDE = 4;

    private Toy() {}

    static TrainingRun.Components components() {
        return new TrainingRun.Components() {
            @Override
            public TrainableModelFactory model(String id) {
                return id.equals("toy") ? new ModelFactory() : null;
            }

            @Override
            public LossFactory loss(String id) {
                return id.equals("ce") ? new CeFactory() : null;
            }

            @Override
            public DatasetFactory dataset(String id) {
                return id.equals("tints") ? new Tints() : null;
            }
        };
    }

    /** Example i: label i mod 3, pixels of that channel at 0.5 + noise, the others at noise. */
    static Example example(long seed, int index) {
        SplittableRandom r = new SplittableRandom(seed * 1_000_003L + index);
        int label = index % 3;
        byte[] rgb = new byte[SIDE * SIDE * 3];
        for (int p = 0; p < SIDE * SIDE; p++) {
            for (int c = 0; c < 3; c++) {
                double v = (c == label ? 110 : 60) + r.nextGaussian() * 60;
                rgb[p * 3 + c] = (byte) Math.max(0, Math.min(255, (int) v));
            }
        }
        return new Example(
                "tint-" + index,
                new Image(SIDE, SIDE, rgb),
                List.of("a " + LABELS.get(label) + " tint"),
                LABELS.get(label),
                Map.of());
    }

    static final class Tints implements DatasetFactory {
        @Override
        public Map<String, Object> defaults() {
            return Map.of("seed", 0);
        }

        @Override
        public Dataset open(Map<String, ?> options) {
            long seed = Long.parseLong(String.valueOf(options.containsKey("seed") ? options.get("seed") : 0));
            return new Dataset() {
                @Override
                public List<String> splits() {
                    return List.of("train", "test");
                }

                @Override
                public Split split(String name) {
                    long s = name.equals("train") ? seed : seed + 7919;
                    return new Split() {
                        @Override
                        public int size() {
                            return name.equals("train") ? 3000 : 300;
                        }

                        @Override
                        public Example get(int index) {
                            return example(s, index);
                        }

                        @Override
                        public long skipped() {
                            return 0;
                        }
                    };
                }

                @Override
                public List<String> labels() {
                    return LABELS;
                }

                @Override
                public List<String> promptTemplates() {
                    return List.of("{}");
                }

                @Override
                public Map<String, Object> describe() {
                    return Map.of("seed", seed);
                }

                @Override
                public void close() {}
            };
        }
    }

    static final class ModelFactory implements TrainableModelFactory {
        @Override
        public Map<String, Object> defaults() {
            return Map.of();
        }

        @Override
        public TrainableModel create(Map<String, ?> options) {
            Object hidden = options.get("hidden");
            Model model = new Model(hidden == null ? 0 : Integer.parseInt(hidden.toString()));
            Object nanEvery = options.get("nan_every");
            model.nanEvery = nanEvery == null ? 0 : Integer.parseInt(nanEvery.toString());
            return model;
        }
    }

    /**
     * Linear 48 -> 3, or with {@code hidden > 0} an MLP 48 -> hidden -> hidden -> 3 with ReLUs. With
     * {@code nan_every: k}, every k-th forward pass (1 = all) has NaN gradients and a finite loss, as a kernel that
     * returns NaN at random makes them.
     */
    static final class Model implements TrainableModel {
        final Block block;
        int nanEvery;
        private int passes;

        Model(int hidden) {
            if (hidden <= 0) {
                block = Linear.builder().setUnits(3).build();
            } else {
                block = new ai.djl.nn.SequentialBlock()
                        .add(Linear.builder().setUnits(hidden).build())
                        .add(ai.djl.nn.Activation::relu)
                        .add(Linear.builder().setUnits(hidden).build())
                        .add(ai.djl.nn.Activation::relu)
                        .add(Linear.builder().setUnits(3).build());
            }
        }

        @Override
        public String modelId() {
            return "toy";
        }

        @Override
        public Block block() {
            return block;
        }

        @Override
        public void initialize(NDManager manager) {
            block.initialize(manager, DataType.FLOAT32, new Shape(1, SIDE * SIDE * 3));
        }

        @Override
        public NDList inputs(NDManager batch, List<Example> examples, SplittableRandom random) {
            return new NDList(pixels(batch, examples));
        }

        @Override
        public NDList lossInputs(NDList outputs, List<Example> examples, NDManager batch) {
            NDArray logits = outputs.head();
            if (nanEvery > 0 && passes++ % nanEvery == 0) {
                // sqrt(0 * w) is 0 forward, and its gradient 0 * 0.5 / sqrt(0) = NaN backward
                NDArray w = block.getParameters().valueAt(0).getArray();
                logits = logits.add(w.mul(0f).sqrt().sum());
            }
            return new NDList(logits, labels(batch, examples));
        }

        @Override
        public Map<String, Double> evaluate(Dataset dataset, Map<String, ?> options, ParameterStore ps) {
            Dataset.Split test = dataset.split("test");
            List<Example> all = new java.util.ArrayList<>();
            for (int i = 0; i < test.size(); i++) {
                all.add(test.get(i));
            }
            NDManager m = ps.getManager();
            NDArray predicted =
                    block.forward(ps, new NDList(pixels(m, all)), false).head().argMax(1);
            float correct = predicted
                    .toType(DataType.INT64, false)
                    .eq(labels(m, all))
                    .sum()
                    .toType(DataType.FLOAT32, false)
                    .getFloat();
            return Map.of("accuracy/test", (double) correct / all.size());
        }

        @Override
        public void save(Path dir, TrainingLoss loss, Dataset dataset) throws IOException {
            try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(dir.resolve("toy.params")))) {
                block.saveParameters(out);
            }
        }

        @Override
        public Map<String, Object> describe() {
            return Map.of("kind", "linear");
        }

        @Override
        public void close() {}

        private static NDArray pixels(NDManager m, List<Example> examples) {
            float[] x = new float[examples.size() * SIDE * SIDE * 3];
            for (int i = 0; i < examples.size(); i++) {
                byte[] rgb = examples.get(i).image().rgb();
                for (int j = 0; j < rgb.length; j++) {
                    x[i * rgb.length + j] = (rgb[j] & 0xff) / 255f;
                }
            }
            return m.create(x, new Shape(examples.size(), SIDE * SIDE * 3));
        }

        private static NDArray labels(NDManager m, List<Example> examples) {
            return m.create(
                    examples.stream().mapToLong(e -> LABELS.indexOf(e.label())).toArray());
        }
    }

    static final class CeFactory implements LossFactory {
        @Override
        public Map<String, Object> defaults() {
            return Map.of();
        }

        @Override
        public TrainingLoss create(Map<String, ?> options) {
            return new Ce();
        }
    }

    /** Softmax cross-entropy, {@code [logits (B, C), labels (B)] -> [total, ce]}. */
    static final class Ce extends AbstractBlock implements TrainingLoss {
        @Override
        public List<String> partNames() {
            return List.of("ce");
        }

        @Override
        protected NDList forwardInternal(ParameterStore ps, NDList in, boolean training, PairList<String, Object> p) {
            NDArray logp = in.get(0).logSoftmax(1);
            NDArray picked = logp.mul(in.get(1).oneHot(3)).sum(new int[] {1});
            NDArray ce = picked.mean().neg();
            return new NDList(ce, ce);
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputShapes) {
            return new Shape[] {new Shape(), new Shape()};
        }
    }
}
