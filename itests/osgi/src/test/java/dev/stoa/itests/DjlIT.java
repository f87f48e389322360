package dev.stoa.itests;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertTrue;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.translate.NoopTranslator;
import dev.stoa.djl.DjlRuntime;
import java.nio.file.Path;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/** DJL works from inside a bundle: a PyTorch forward and backward pass, a training loop, an ONNX Runtime session. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class DjlIT extends StoaTestSupport {

    @Test
    public void pytorchGradientMatchesTheHandComputedOne() throws Exception {
        DjlRuntime djl = service(DjlRuntime.class);
        assertTrue("PyTorch loaded: " + djl.engines(), djl.engines().contains("PyTorch"));
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            // y = sum(W x): dy/dW = ones(2) outer x, so with x = (2, 3) every row of the gradient is (2, 3)
            NDArray w = manager.create(new float[] {1, 2, 3, 4}, new Shape(2, 2));
            NDArray x = manager.create(new float[] {2, 3}, new Shape(2, 1));
            w.setRequiresGradient(true);
            try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
                NDArray y = w.matMul(x).sum();
                assertArrayEquals(new float[] {1 * 2 + 2 * 3 + 3 * 2 + 4 * 3}, y.toFloatArray(), 0f);
                collector.backward(y);
            }
            assertArrayEquals(new float[] {2, 3, 2, 3}, w.getGradient().toFloatArray(), 0f);
        }
    }

    @Test
    public void pytorchTrainingLoopReducesTheLoss() throws Exception {
        service(DjlRuntime.class);
        Engine.getEngine("PyTorch").setRandomSeed(7);
        try (Model model = Model.newInstance("fit-a-line", Device.cpu(), "PyTorch")) {
            model.setBlock(Linear.builder().setUnits(1).build());
            DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.l2Loss())
                    .optOptimizer(Optimizer.sgd()
                            .setLearningRateTracker(Tracker.fixed(0.5f))
                            .build());
            try (Trainer trainer = model.newTrainer(config)) {
                trainer.initialize(new Shape(8, 1));
                NDManager m = trainer.getManager();
                NDArray x = m.arange(8f).reshape(8, 1).div(8f);
                NDArray target = x.mul(3f)
                        .add(1f); // y = 3x + 1; x in [0, 0.875], so plain SGD needs a few hundred steps at this rate
                float first = step(trainer, x, target);
                float last = first;
                for (int i = 0; i < 300; i++) {
                    last = step(trainer, x, target);
                }
                System.out.printf("[measure] L2 loss %.4f -> %.6f after 300 SGD steps%n", first, last);
                assertTrue("loss fell from " + first + " to " + last, last < first / 10);
                Parameter weight = model.getBlock().getParameters().get("weight");
                float learned = weight.getArray().toFloatArray()[0];
                assertTrue("learned slope " + learned + " near 3", Math.abs(learned - 3) < 0.1);
            }
        }
    }

    private static float step(Trainer trainer, NDArray x, NDArray target) {
        try (GradientCollector collector = trainer.newGradientCollector()) {
            NDArray prediction = trainer.forward(new NDList(x)).singletonOrThrow();
            NDArray loss = trainer.getLoss().evaluate(new NDList(target), new NDList(prediction));
            collector.backward(loss);
            trainer.step();
            return loss.getFloat();
        }
    }

    @Test
    public void onnxRuntimeSessionComputesTheModel() throws Exception {
        DjlRuntime djl = service(DjlRuntime.class);
        assertTrue("OnnxRuntime loaded: " + djl.engines(), djl.engines().contains("OnnxRuntime"));
        Path dir = Path.of(context.getProperty("stoa.home"), "data", "models", "tiny");
        TinyOnnxModel.write(dir.resolve("tiny.onnx"));
        float[] x = {1, -2, 0.5f};
        try (Model model = Model.newInstance("tiny", Device.cpu(), "OnnxRuntime")) {
            model.load(dir, "tiny");
            try (Predictor<NDList, NDList> predictor = model.newPredictor(new NoopTranslator());
                    NDManager manager = NDManager.newBaseManager(Device.cpu(), "OnnxRuntime")) {
                NDList out = predictor.predict(new NDList(manager.create(x, new Shape(1, 3))));
                assertArrayEquals(
                        TinyOnnxModel.expected(x), out.singletonOrThrow().toFloatArray(), 1e-6f);
            }
        }
    }
}
