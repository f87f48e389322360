package dev.stoa.losses.internal;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import dev.stoa.nn.loss.TrainingLoss;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A tiny CLIP: two linear towers and the CLIP loss, trained on pairs that a linear map can align. */
class ClipTrainingTest {

    @Test
    void aFewHundredStepsOfClipLossAlignSeparablePairs() {
        Engine engine = Engine.getEngine("PyTorch");
        engine.setRandomSeed(17);
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            int n = 8;
            // random image features; each text is a fixed random linear map of its image plus noise, so a pair of
            // linear towers can bring every pair together and apart from the others
            NDArray images = manager.randomNormal(new Shape(n, 6));
            NDArray texts = images.matMul(manager.randomNormal(new Shape(6, 6)))
                    .add(manager.randomNormal(0, 0.05f, new Shape(n, 6), DataType.FLOAT32));
            Linear imageTower = Linear.builder().setUnits(4).build();
            Linear textTower = Linear.builder().setUnits(4).build();
            TrainingLoss loss = new ClipLossFactory().create(Map.of());
            imageTower.initialize(manager, DataType.FLOAT32, images.getShape());
            textTower.initialize(manager, DataType.FLOAT32, texts.getShape());
            loss.initialize(manager, DataType.FLOAT32, new Shape(n, 4), new Shape(n, 4));
            List<Pair<String, Parameter>> parameters = new ArrayList<>();
            imageTower.getParameters().forEach(p -> parameters.add(new Pair<>("image_" + p.getKey(), p.getValue())));
            textTower.getParameters().forEach(p -> parameters.add(new Pair<>("text_" + p.getKey(), p.getValue())));
            loss.getParameters().forEach(p -> parameters.add(new Pair<>("loss_" + p.getKey(), p.getValue())));
            Optimizer adam = Optimizer.adam()
                    .optLearningRateTracker(Tracker.fixed(0.01f))
                    .build();
            ParameterStore store = new ParameterStore(manager, false);

            float first = Float.NaN;
            float last = Float.NaN;
            for (int step = 0; step < 300; step++) {
                try (NDManager batch = manager.newSubManager()) {
                    NDArray x = images.duplicate();
                    NDArray y = texts.duplicate();
                    x.attach(batch);
                    y.attach(batch);
                    try (GradientCollector collector = engine.newGradientCollector()) {
                        NDArray zi =
                                imageTower.forward(store, new NDList(x), true).head();
                        NDArray zt =
                                textTower.forward(store, new NDList(y), true).head();
                        NDArray total =
                                loss.evaluate(store, new NDList(zi, zt), true).total();
                        collector.backward(total);
                        last = total.getFloat();
                        if (step == 0) {
                            first = last;
                        }
                    }
                    for (Pair<String, Parameter> p : parameters) {
                        NDArray weight = p.getValue().getArray();
                        NDArray gradient = weight.getGradient();
                        adam.update(p.getKey(), weight, gradient);
                        gradient.subi(gradient); // PyTorch accumulates gradients across backward passes
                    }
                }
            }
            // uniform guessing among 8 scores ln 8 ≈ 2.08; random towers with CLIP's initial scale 1/0.07 start
            // above that; aligned pairs end far below it
            assertThat(first).isGreaterThan(2.0f);
            assertThat(last).isLessThan(0.1f).isLessThan(0.05f * first);
        }
    }
}
