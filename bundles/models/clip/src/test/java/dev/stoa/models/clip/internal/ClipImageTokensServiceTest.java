package dev.stoa.models.clip.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import dev.stoa.api.data.Image;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** clip-<v>-image-tokens: the grid the image embedding is pooled from. */
class ClipImageTokensServiceTest {

    @TempDir
    Path models;

    private ClipInference clip;

    @BeforeEach
    void open() throws Exception {
        Engine.getEngine("PyTorch").setRandomSeed(13);
        ClipVariant variant = ClipTestSupport.variant("tiny");
        clip = ClipInference.open(variant, ClipTestSupport.ENCODERS::get, models.resolve(variant.id()), "PyTorch");
    }

    @AfterEach
    void close() {
        clip.close();
    }

    @Test
    @SuppressWarnings("unchecked")
    void theClassTokensRowProjectedAndNormalisedIsTheImageEmbedding() {
        Image image = ClipTestSupport.gradient(48, 40);
        Map<String, Object> answer = new ClipImageTokensService(clip)
                .call(Map.of("image", Base64.getEncoder().encodeToString(image.encodePng())));
        List<Integer> shape = (List<Integer>) answer.get("shape");
        List<Float> tokens = (List<Float>) answer.get("tokens");
        int side = clip.variant().imageSize() / 8;
        assertThat(shape).containsExactly(1 + side * side, 64);
        assertThat(tokens).hasSize(shape.get(0) * shape.get(1));
        assertThat(answer).containsEntry("trained", false);

        // v = normalize(W_v · tokens[0]): the image service's embedding, from the grid's first row, in plain Java
        float[] w = null;
        for (Pair<String, Parameter> p : clip.model().getParameters()) {
            if (p.getKey().contains("visual_projection")) {
                w = p.getValue().getArray().toFloatArray();
            }
        }
        assertThat(w).isNotNull();
        int d = shape.get(1);
        int e = w.length / d;
        double[] v = new double[e];
        double norm = 0;
        for (int i = 0; i < e; i++) {
            for (int j = 0; j < d; j++) {
                v[i] += w[i * d + j] * tokens.get(j);
            }
            norm += v[i] * v[i];
        }
        float[] embedding = clip.imageEmbeddings(List.of(image))[0];
        for (int i = 0; i < e; i++) {
            assertThat((double) embedding[i]).isCloseTo(v[i] / Math.sqrt(norm), within(1e-4));
        }
    }

    @Test
    void aMissingImageIsBadInput() {
        assertThatThrownBy(() -> new ClipImageTokensService(clip).call(Map.of()))
                .isInstanceOfSatisfying(
                        StoaException.class, ex -> assertThat(ex.code()).isEqualTo(FailureCode.BAD_INPUT))
                .hasMessageContaining("image");
    }
}
