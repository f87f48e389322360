package dev.stoa.models.clip.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import dev.stoa.api.StoaException;
import dev.stoa.api.data.Image;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rerank service on a real (untrained) tiny CLIP: its scores are the model's own image-text cosines, highest
 * first, and a bad request names its field.
 */
class ClipRerankServiceTest {

    @Test
    void ranksImagesByTheModelsOwnCosineHighestFirst(@TempDir Path models) throws Exception {
        Engine.getEngine("PyTorch").setRandomSeed(5);
        ClipVariant variant = ClipTestSupport.variant("tiny");
        try (ClipInference clip =
                ClipInference.open(variant, ClipTestSupport.ENCODERS::get, models.resolve(variant.id()), "PyTorch")) {
            List<Image> images = List.of(
                    ClipTestSupport.gradient(32, 32),
                    ClipTestSupport.gradient(20, 40),
                    ClipTestSupport.gradient(64, 48));
            List<Object> sent = new ArrayList<>();
            sent.add(Map.of("image", base64(images.get(0))));
            sent.add(base64(images.get(1)));
            // as the bus's JSON codec hands a nested object over: iterable over its entries, not a Map
            Map<String, Object> third = Map.of("image", "data:image/png;base64," + base64(images.get(2)));
            sent.add(
                    (Iterable<Map.Entry<String, Object>>) () -> third.entrySet().iterator());
            Map<String, Object> answer =
                    new ClipRerankService(clip).call(Map.of("text", "a red circle", "images", sent));
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> items = (List<Map<String, Object>>) answer.get("items");
            assertThat(items).hasSize(3);
            assertThat(items).extracting(i -> (Integer) i.get("index")).containsExactlyInAnyOrder(0, 1, 2);
            double previous = Double.MAX_VALUE;
            for (Map<String, Object> item : items) {
                int index = (Integer) item.get("index");
                double expected = clip.similarity(images.get(index), List.of("a red circle"))[0];
                assertThat((double) item.get("score")).isCloseTo(expected, within(1e-4));
                assertThat((double) item.get("score")).isLessThanOrEqualTo(previous);
                previous = (double) item.get("score");
                Object image = index == 0
                        ? base64(images.get(0))
                        : index == 1 ? sent.get(1) : "data:image/png;base64," + base64(images.get(2));
                assertThat(item.get("image")).isEqualTo(image);
            }
            assertThat(answer.get("best")).isEqualTo(items.get(0));
            assertThat(answer.get("trained")).isEqualTo(false);

            Map<String, Object> top1 =
                    new ClipRerankService(clip).call(Map.of("text", "a red circle", "images", sent, "top", 1));
            assertThat(top1.get("items")).isEqualTo(List.of(items.get(0)));
        }
    }

    @Test
    void aBadRequestNamesItsField(@TempDir Path models) throws Exception {
        ClipVariant variant = ClipTestSupport.variant("tiny");
        try (ClipInference clip =
                ClipInference.open(variant, ClipTestSupport.ENCODERS::get, models.resolve(variant.id()), "PyTorch")) {
            ClipRerankService rerank = new ClipRerankService(clip);
            String png = base64(ClipTestSupport.gradient(8, 8));
            assertBad(() -> rerank.call(Map.of("images", List.of(png))), "text");
            assertBad(() -> rerank.call(Map.of("text", "x")), "images");
            assertBad(() -> rerank.call(Map.of("text", "x", "images", "not a list")), "images");
            assertBad(() -> rerank.call(Map.of("text", "x", "images", List.of())), "images");
            assertBad(() -> rerank.call(Map.of("text", "x", "images", List.of(png, 3))), "images[1]");
            assertBad(() -> rerank.call(Map.of("text", "x", "images", List.of(png, "bm90IGFuIGltYWdl"))), "images[1]");
            assertBad(() -> rerank.call(Map.of("text", "x", "images", List.of(png), "top", 0)), "top");
            assertBad(() -> rerank.call(Map.of("text", "x", "images", List.of(png), "top", 1.5)), "top");
            List<String> many = new ArrayList<>();
            for (int i = 0; i <= ClipRerankService.MAX_IMAGES; i++) {
                many.add(png);
            }
            assertBad(() -> rerank.call(Map.of("text", "x", "images", many)), "images");
        }
    }

    private static void assertBad(Runnable call, String field) {
        assertThatThrownBy(call::run)
                .isInstanceOf(StoaException.class)
                .hasMessageContaining(field)
                .satisfies(e -> assertThat(((StoaException) e).code().name()).isEqualTo("BAD_INPUT"));
    }

    private static String base64(Image image) {
        return Base64.getEncoder().encodeToString(image.encodePng());
    }
}
