package dev.stoa.models.clipcap.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.stoa.api.StoaException;
import dev.stoa.api.dataset.Dataset;
import dev.stoa.api.dataset.Example;
import dev.stoa.models.gpt.internal.GptFactory;
import dev.stoa.nn.text.SpecialTokens;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class GptCaptionsTest {

    @Test
    void promptedSequencesAreTheLabelPaddedWithSpacesThenTheFramedCaption() {
        GptCaptionsFactory factory = new GptCaptionsFactory(new GptFactory());
        var model =
                factory.create(Map.of("prompt_length", 12, "caption_length", 40, "width", 32, "layers", 1, "heads", 2));
        try (NDManager m = NDManager.newBaseManager("PyTorch");
                Dataset data = ClipCapTestSupport.shapes()) {
            model.initialize(m);
            Example e = data.split("train").get(0);
            NDList in = model.inputs(m, List.of(e), new SplittableRandom(1));
            assertThat(in.head().getShape()).isEqualTo(new Shape(1, 52));
            long[] ids = in.head().toLongArray();
            byte[] label = e.label().getBytes(StandardCharsets.UTF_8);
            for (int i = 0; i < 12; i++) {
                long expected = SpecialTokens.COUNT + (i < label.length ? label[i] & 0xff : ' ');
                assertThat(ids[i]).as("prompt position " + i).isEqualTo(expected);
            }
            assertThat(ids[12]).isEqualTo(SpecialTokens.START);
            // the caption's first byte follows the start token
            assertThat(ids[13] - SpecialTokens.COUNT)
                    .isIn((long) 'a', (long) 't', (long) 'o', (long) 'f', (long) 's', (long) 'n', (long) 'e', (long)
                            'h');
        }
    }

    @Test
    void badOptionsNameTheOption() {
        GptCaptionsFactory factory = new GptCaptionsFactory(new GptFactory());
        assertThatThrownBy(() -> factory.create(Map.of("prompt_length", "many")))
                .isInstanceOf(StoaException.class)
                .hasMessageContaining("model.prompt_length")
                .hasMessageContaining("whole number");
        assertThatThrownBy(() -> factory.create(Map.of("depth", 3)))
                .isInstanceOf(StoaException.class)
                .hasMessageContaining("model.depth")
                .hasMessageContaining("caption_length");
        assertThatThrownBy(() -> ClipCapConfig.read("x", props("mapper", "lstm"), "variants/x.properties"))
                .hasMessageContaining("variants/x.properties: mapper is 'lstm'; use 'mlp' or 'transformer'");
        assertThatThrownBy(() -> ClipCapConfig.read("x", props("prefix_lenght", "4"), "model"))
                .hasMessageContaining("prefix_lenght");
    }

    private static java.util.Properties props(String k, String v) {
        java.util.Properties p = new java.util.Properties();
        p.setProperty(k, v);
        return p;
    }
}
