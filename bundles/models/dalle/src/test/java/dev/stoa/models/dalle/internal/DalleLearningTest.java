package dev.stoa.models.dalle.internal;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import dev.stoa.api.dataset.Dataset;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * Both stages, short, as the trainer runs them (Adam on the parameters that require gradients): the dVAE's
 * reconstruction error falls well below its start, then the transformer, on that dVAE's tokens with the dVAE frozen,
 * lowers its image-token cross-entropy, and the dVAE's parameters stay bit-identical while it trains.
 */
class DalleLearningTest {

    private static Properties props(Map<String, String> values) {
        Properties p = new Properties();
        p.putAll(values);
        return p;
    }

    @Test
    void theDvaeLearnsToReconstructAndTheTransformerLearnsItsTokens() {
        Engine.getEngine("PyTorch").setRandomSeed(11);
        Dataset data = DalleTestSupport.shapes();
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            DvaeConfig dc = DvaeConfig.read(
                    "learn",
                    props(Map.of(
                            "image_size",
                            "32",
                            "hidden",
                            "32",
                            "codebook",
                            "32",
                            "code_dim",
                            "16",
                            "tau_start",
                            "1",
                            "tau_end",
                            "0.25",
                            "anneal_steps",
                            "60")),
                    "test");
            DvaeTrainable dvae = new DvaeTrainable("dalle-dvae-learn", dc);
            dvae.initialize(m);
            List<Float> dvaeLosses = DalleTestSupport.train(
                    dvae, new DvaeLossFactory().create(Map.of("kl_weight", 0.0)), data, m, 60, 32, 3e-3f);
            assertThat(dvaeLosses).allSatisfy(l -> assertThat(l).isFinite());
            double first = DalleTestSupport.mean(dvaeLosses, 0, 3);
            double last = DalleTestSupport.mean(dvaeLosses, 55, 60);
            System.out.printf("dvae learning: reconstruction first 3 %.4f last 5 %.4f%n", first, last);
            assertThat(last)
                    .as("reconstruction error, last 5 steps against the first 3")
                    .isLessThan(0.5 * first);
            Map<String, Double> eval = dvae.evaluate(data, Map.of("examples", 50), new ParameterStore(m, false));
            System.out.println("dvae evaluation: " + eval);
            assertThat(eval.get("reconstruction_mse/test")).isLessThan(0.1);

            DalleConfig c = DalleConfig.read(
                    "learn",
                    props(Map.of(
                            "dvae_model",
                            "dalle-dvae-learn",
                            "width",
                            "48",
                            "heads",
                            "2",
                            "layers",
                            "2",
                            "text_length",
                            "40")),
                    "test");
            DalleTrainable dalle = new DalleTrainable("dalle-learn", c, dc, null, dvae.block(), null);
            dalle.initialize(m);
            assertThat(dvae.block().getParameters().values().stream().noneMatch(Parameter::requiresGradient))
                    .as("every dVAE parameter frozen")
                    .isTrue();
            Map<String, float[]> before = snapshot(dvae.block());
            var loss = new DalleLossFactory().create(Map.of());
            List<Float> losses = DalleTestSupport.train(dalle, loss, data, m, 40, 32, 3e-3f);
            assertThat(losses).allSatisfy(l -> assertThat(l).isFinite());
            double firstT = DalleTestSupport.mean(losses, 0, 3);
            double lastT = DalleTestSupport.mean(losses, 35, 40);
            System.out.printf("dalle learning: loss first 3 %.4f last 5 %.4f%n", firstT, lastT);
            // uniform over 32 codes is log 32 = 3.47 (x 7/8); the background's code alone lowers it a lot
            assertThat(lastT)
                    .as("transformer loss, last 5 steps against the first 3")
                    .isLessThan(0.8 * firstT);
            Map<String, float[]> after = snapshot(dvae.block());
            before.forEach((k, v) -> assertThat(after.get(k)).as("dVAE %s", k).containsExactly(v));
        }
    }

    private static Map<String, float[]> snapshot(ai.djl.nn.Block block) {
        Map<String, float[]> out = new java.util.LinkedHashMap<>();
        for (var p : block.getParameters()) {
            out.put(p.getKey(), p.getValue().getArray().toFloatArray());
        }
        return out;
    }
}
