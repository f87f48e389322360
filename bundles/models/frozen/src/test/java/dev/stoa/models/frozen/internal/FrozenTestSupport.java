package dev.stoa.models.frozen.internal;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
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
import dev.stoa.encoders.internal.ResNetEncoderFactory;
import dev.stoa.losses.internal.CaptioningLossFactory;
import dev.stoa.models.gpt.internal.GptFactory;
import dev.stoa.nn.lm.LanguageModel;
import dev.stoa.nn.lm.PretrainedLanguageModel;
import dev.stoa.nn.loss.TrainingLoss;
import dev.stoa.nn.text.ByteTokenizer;
import dev.stoa.nn.text.SpecialTokens;
import dev.stoa.nn.train.TrainingExamples;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;

/** Builds Frozen as the factory does, on a published language model, and trains it a bit as the trainer's step does. */
final class FrozenTestSupport {

    static final Map<String, String> LM =
            Map.of("context_length", "64", "width", "32", "layers", "1", "heads", "2", "vocab_size", "260");
    static final int PROMPT = 8;
    static final int CAPTION = 40;
    static final int LM_STEPS = 100;
    private static final long SPACE = SpecialTokens.COUNT + ' ';

    private FrozenTestSupport() {}

    static {
        Engine.getEngine("PyTorch").setRandomSeed(5);
    }

    /** @return the tiny variant made small for tests: 32 px, 8 channels, 8x8 patches of 32, 1 layer, k = 2 */
    static FrozenConfig config() {
        return config("vit");
    }

    /** @return the test variant with the given image encoder ({@code resnet}: stages 8,16, one block each) */
    static FrozenConfig config(String encoder) {
        Properties p = new Properties();
        p.setProperty("image_encoder", encoder);
        p.setProperty("image_widths", "8,16");
        p.setProperty("image_blocks", "1");
        p.setProperty("lm_model", "gpt-test");
        p.setProperty("image_size", "32");
        p.setProperty("stem_channels", "8");
        p.setProperty("patch_size", "8");
        p.setProperty("width", "32");
        p.setProperty("layers", "1");
        p.setProperty("heads", "2");
        p.setProperty("mlp_ratio", "2");
        p.setProperty("prefix_length", "2");
        p.setProperty("caption_length", Integer.toString(CAPTION));
        p.setProperty("max_tokens", "30");
        return FrozenConfig.read("tiny", p, "test");
    }

    /**
     * Publishes a language model (P = 8) into a store folder as a pretraining run would: first trained for
     * {@value #LM_STEPS} steps on the scenes' captions after a prompt of P positions holding the scene's colour, padded
     * with spaces (as gpt-captions reads its label), so that it is a language model of the captions that reads its
     * prompt (a random one ignores any prefix), then saved with the shared writer.
     *
     * @return its version 1, read back by the shared loader
     */
    static PretrainedLanguageModel publishLm(Path store) throws IOException {
        Path dir = store.resolve("gpt-test/1");
        if (Files.isRegularFile(dir.resolve(PretrainedLanguageModel.PARAMETERS))) {
            return PretrainedLanguageModel.read("gpt-test", 1, dir, "model.lm_model", "gpt-test.yaml");
        }
        Files.createDirectories(dir);
        LanguageModel lm = new GptFactory().create(LM);
        Dataset data = scenes();
        ByteTokenizer tokenizer = new ByteTokenizer(CAPTION);
        TrainingLoss loss = new CaptioningLossFactory().create(Map.of());
        Optimizer adam =
                Optimizer.adam().optLearningRateTracker(Tracker.fixed(3e-3f)).build();
        Engine engine = Engine.getEngine("PyTorch");
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            lm.initialize(m, DataType.FLOAT32, new Shape(1, PROMPT + CAPTION));
            ParameterStore ps = new ParameterStore(m, false);
            for (int step = 0; step < LM_STEPS; step++) {
                List<Example> examples = new ArrayList<>();
                for (int i = 0; i < 32; i++) {
                    examples.add(data.split("train").get(100_000 + step * 32 + i));
                }
                try (NDManager sub = m.newSubManager()) {
                    long[] caption = tokenizer
                            .encode(TrainingExamples.oneCaptionEach(examples, new SplittableRandom(step)))
                            .flatIds();
                    NDArray ids = sub.create(caption, new Shape(examples.size(), CAPTION));
                    long[] prompt = new long[examples.size() * PROMPT];
                    java.util.Arrays.fill(prompt, SPACE);
                    for (int b = 0; b < examples.size(); b++) {
                        long[] colour =
                                tokenizer.toIds(examples.get(b).attributes().get("colour"));
                        System.arraycopy(colour, 0, prompt, b * PROMPT, Math.min(PROMPT, colour.length));
                    }
                    NDArray sequence = sub.create(prompt, new Shape(examples.size(), PROMPT))
                            .concat(ids, 1);
                    try (GradientCollector collector = engine.newGradientCollector()) {
                        NDArray logits =
                                lm.forward(ps, new NDList(sequence), true).head();
                        NDArray total = loss.evaluate(ps, new NDList(logits.get(":, " + PROMPT + ":, :"), ids), true)
                                .total();
                        collector.backward(total);
                    }
                    step(lm, adam);
                }
            }
            PretrainedLanguageModel.save(dir, lm, new LinkedHashMap<>(LM), PROMPT, "gpt-test");
        }
        return PretrainedLanguageModel.read("gpt-test", 1, dir, "model.lm_model", "gpt-test.yaml");
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

    static FrozenTrainable trainable(FrozenConfig config, PretrainedLanguageModel lm) {
        return FrozenFactory.create("frozen-test", config, lm, new GptFactory(), new ResNetEncoderFactory());
    }

    static Dataset scenes() {
        return new ShapesDatasetFactory()
                .open(Map.of("seed", 3, "image_size", 32, "max_count", 3, "text_probability", 0.5));
    }

    /** @return a copy of every parameter's values, by name */
    static Map<String, float[]> snapshot(Block block) {
        Map<String, float[]> out = new LinkedHashMap<>();
        for (Pair<String, Parameter> p : block.getParameters()) {
            out.put(p.getKey(), p.getValue().getArray().toFloatArray());
        }
        return out;
    }

    /**
     * Trains {@code steps} steps of Adam (lr 3e-3) on batches of the train split, as the trainer's step does
     * (inputs, block, lossInputs, loss), updating only parameters that require gradients.
     *
     * @return the loss of every step
     */
    static List<Float> train(FrozenTrainable model, Dataset data, NDManager manager, int steps, int batch) {
        return train(model, data, manager, steps, batch, false);
    }

    /**
     * @param fixed whether every step sees the same batch (the first {@code batch} training scenes, the same captions)
     * @return the loss of every step
     */
    static List<Float> train(
            FrozenTrainable model, Dataset data, NDManager manager, int steps, int batch, boolean fixed) {
        TrainingLoss loss = new CaptioningLossFactory().create(Map.of());
        Optimizer adam = Optimizer.adam()
                .optLearningRateTracker(Tracker.fixed(fixed ? 1e-2f : 3e-3f))
                .build();
        Engine engine = Engine.getEngine("PyTorch");
        ParameterStore ps = new ParameterStore(manager, false);
        List<Float> losses = new ArrayList<>();
        for (int step = 0; step < steps; step++) {
            List<Example> examples = new ArrayList<>();
            for (int i = 0; i < batch; i++) {
                examples.add(data.split("train").get((fixed ? 0 : step * batch) + i));
            }
            try (NDManager sub = manager.newSubManager()) {
                try (GradientCollector collector = engine.newGradientCollector()) {
                    NDList inputs = model.inputs(sub, examples, new SplittableRandom(fixed ? 0 : step));
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

    /** @return the mean of losses[from, to) */
    static double mean(List<Float> losses, int from, int to) {
        return losses.subList(from, to).stream()
                .mapToDouble(Float::doubleValue)
                .average()
                .orElseThrow();
    }
}
