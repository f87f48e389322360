package dev.stoa.models.clipcap.internal;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import dev.stoa.api.dataset.Dataset;
import dev.stoa.nn.train.BaseTrainableModel;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FrozenDecoderTest {

    @Test
    void transformerVariantTrainsTheMapperOnlyAndLeavesTheDecoderAsItWas() {
        ClipCapTrainable model = ClipCapTestSupport.trainable(ClipCapTestSupport.config("transformer", true));
        try (NDManager m = NDManager.newBaseManager("PyTorch");
                Dataset data = ClipCapTestSupport.shapes()) {
            model.initialize(m);
            Map<String, float[]> before = snapshot(model);
            for (Pair<String, Parameter> p : model.clipCap().decoder().getParameters()) {
                assertThat(p.getValue().requiresGradient()).as(p.getKey()).isFalse();
            }
            for (Pair<String, Parameter> p : model.clipCap().mapper().getParameters()) {
                assertThat(p.getValue().requiresGradient()).as(p.getKey()).isTrue();
            }
            assertThat(BaseTrainableModel.parameterCount(model.block(), true))
                    .isEqualTo(BaseTrainableModel.parameterCount(model.clipCap().mapper(), false));

            ClipCapTestSupport.train(model, data, m, 3, 8);

            Map<String, float[]> after = snapshot(model);
            java.util.Set<Parameter> decoder = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
            model.clipCap().decoder().getParameters().values().forEach(decoder::add);
            assertThat(decoder).isNotEmpty();
            for (Pair<String, Parameter> p : model.block().getParameters()) {
                boolean same = java.util.Arrays.equals(before.get(p.getKey()), after.get(p.getKey()));
                assertThat(same).as(p.getKey() + " unchanged").isEqualTo(decoder.contains(p.getValue()));
            }
        }
    }

    @Test
    void mlpVariantTrainsTheDecoderToo() {
        ClipCapTrainable model = ClipCapTestSupport.trainable(ClipCapTestSupport.config("mlp", false));
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            model.initialize(m);
            for (Pair<String, Parameter> p : model.block().getParameters()) {
                assertThat(p.getValue().requiresGradient()).as(p.getKey()).isTrue();
            }
        }
    }

    private static Map<String, float[]> snapshot(ClipCapTrainable model) {
        Map<String, float[]> out = new HashMap<>();
        for (Pair<String, Parameter> p : model.block().getParameters()) {
            out.put(p.getKey(), p.getValue().getArray().toFloatArray());
        }
        return out;
    }
}
