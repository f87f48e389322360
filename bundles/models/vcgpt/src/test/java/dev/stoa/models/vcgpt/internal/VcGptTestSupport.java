package dev.stoa.models.vcgpt.internal;

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
import dev.stoa.api.data.Image;
import dev.stoa.api.dataset.Dataset;
import dev.stoa.api.dataset.Example;
import dev.stoa.datasets.internal.ShapesDatasetFactory;
import dev.stoa.encoders.internal.VitEncoderFactory;
import dev.stoa.losses.internal.CaptioningLossFactory;
import dev.stoa.models.gpt.internal.GptFactory;
import dev.stoa.nn.encoder.TokenFeatures;
import dev.stoa.nn.lm.LanguageModel;
import dev.stoa.nn.lm.PretrainedLanguageModel;
import dev.stoa.nn.loss.TrainingLoss;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;

/** Builds VC-GPT as the factory does, with a published LM and a real ViT as the frozen parts, and trains it a bit. */
final class VcGptTestSupport {

    static final Map<String, String> LM =
            Map.of("context_length", "64", "width", "32", "layers", "1", "heads", "2", "vocab_size", "260");
    static final int PROMPT = 4;

    private VcGptTestSupport() {}

    /**
     * Stands in for the CLIP grid service (another bundle's OSGi service, needing a trained CLIP): a real ViT tower of
     * the encoders bundle, randomly initialised and frozen, its {@link TokenFeatures} of a 32 px image, 1 + 16 tokens
     * of 32.
     */
    static final class VitGrid implements ImageGrid, AutoCloseable {
        final NDManager manager = NDManager.newBaseManager("PyTorch");
        final Block vit = new VitEncoderFactory()
                .create(Map.of("image_size", 32, "patch_size", 8, "width", 32, "layers", 1, "heads", 2));

        VitGrid() {
            vit.initialize(manager, DataType.FLOAT32, new Shape(1, 3, 32, 32));
            vit.freezeParameters(true);
        }

        @Override
        public int tokens() {
            return 17;
        }

        @Override
        public int width() {
            return 32;
        }

        @Override
        public synchronized float[][][] features(List<Image> images) {
            float[] pixels = new float[images.size() * 3 * 32 * 32];
            for (int i = 0; i < images.size(); i++) {
                Image image = images.get(i);
                byte[] rgb = image.rgb();
                for (int y = 0; y < 32; y++) {
                    for (int x = 0; x < 32; x++) {
                        int sx = x * image.width() / 32;
                        int sy = y * image.height() / 32;
                        for (int c = 0; c < 3; c++) {
                            pixels[((i * 3 + c) * 32 + y) * 32 + x] =
                                    ((rgb[(sy * image.width() + sx) * 3 + c] & 0xff) / 255f - 0.5f) / 0.5f;
                        }
                    }
                }
            }
            try (NDManager call = manager.newSubManager()) {
                NDArray t = ((TokenFeatures) vit)
                        .tokens(
                                new ParameterStore(call, false),
                                call.create(pixels, new Shape(images.size(), 3, 32, 32)),
                                false);
                float[] flat = t.toFloatArray();
                float[][][] out = new float[images.size()][17][32];
                for (int b = 0; b < out.length; b++) {
                    for (int n = 0; n < 17; n++) {
                        System.arraycopy(flat, (b * 17 + n) * 32, out[b][n], 0, 32);
                    }
                }
                return out;
            }
        }

        @Override
        public void close() {
            manager.close();
        }
    }

    /** @return the tiny variant made small for tests */
    static VcGptConfig config(String logits) {
        Properties p = new Properties();
        p.setProperty("width", "32");
        p.setProperty("layers", "1");
        p.setProperty("heads", "2");
        p.setProperty("logits", logits);
        p.setProperty("caption_length", "48");
        p.setProperty("max_tokens", "40");
        p.setProperty("lm_model", "gpt-test");
        p.setProperty("clip_model", "clip-test");
        return VcGptConfig.read("tiny", p, "test");
    }

    /**
     * Publishes a language model (random weights, P = 4) into a store folder as a pretraining run would.
     *
     * @return its version 1, read back by the shared loader
     */
    static PretrainedLanguageModel publishLm(Path store) throws IOException {
        Path dir = Files.createDirectories(store.resolve("gpt-test/1"));
        LanguageModel lm = new GptFactory().create(LM);
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            lm.initialize(m, DataType.FLOAT32, new Shape(1, 8));
            PretrainedLanguageModel.save(dir, lm, new LinkedHashMap<>(LM), PROMPT, "gpt-test");
        }
        return PretrainedLanguageModel.read("gpt-test", 1, dir, "model.lm_model", "gpt-test.yaml");
    }

    static VcGptTrainable trainable(VcGptConfig config, PretrainedLanguageModel lm, ImageGrid grid) {
        VcGptConfig built = config.withLmVersion(lm.version());
        return new VcGptTrainable(
                "vcgpt-test", built, new VcGpt(built, lm.create(new GptFactory()), lm.promptLength()), grid, lm);
    }

    static Dataset scenes() {
        return new ShapesDatasetFactory()
                .open(Map.of("seed", 3, "image_size", 32, "max_count", 3, "text_probability", 0.5));
    }

    static {
        Engine.getEngine("PyTorch").setRandomSeed(5);
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
    static List<Float> train(VcGptTrainable model, Dataset data, NDManager manager, int steps, int batch) {
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
