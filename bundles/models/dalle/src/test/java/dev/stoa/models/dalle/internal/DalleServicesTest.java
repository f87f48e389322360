package dev.stoa.models.dalle.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import dev.stoa.api.data.Image;
import dev.stoa.api.runtime.ServiceCaller;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The services of one version on an untrained (randomly initialised) model: what they check, that the same seed gives
 * the same images (also at the same time in two threads) and others differ, the streamed steps, and the CLIP reranking
 * through a stand-in caller that records what it was sent.
 */
class DalleServicesTest {

    private static DalleInference model;
    private static DalleInference dvaeOnly;
    private static final AtomicReference<String> CALLED = new AtomicReference<>();

    @BeforeAll
    static void open() {
        ai.djl.engine.Engine.getEngine("PyTorch").setRandomSeed(5);
        NDManager manager = NDManager.newBaseManager("PyTorch");
        DvaeConfig dc = DvaeConfig.read(
                "tiny",
                props(Map.of(
                        "image_size",
                        "32",
                        "hidden",
                        "16",
                        "codebook",
                        "16",
                        "code_dim",
                        "8",
                        "tau_start",
                        "1",
                        "tau_end",
                        "0.1",
                        "anneal_steps",
                        "10")),
                "test");
        Dvae dvae = new Dvae(dc);
        StoredDvae.initialize(dvae, manager);
        DalleConfig c = DalleConfig.read(
                "tiny",
                props(Map.of(
                        "dvae_model",
                        "dalle-dvae-test",
                        "width",
                        "32",
                        "heads",
                        "2",
                        "layers",
                        "1",
                        "text_length",
                        "24")),
                "test");
        Dalle dalle = StoredDalle.create(c, dc);
        StoredDalle.initialize(dalle, manager);
        model = new DalleInference("dalle-test", dvae, dalle, manager);
        dvaeOnly = new DalleInference("dalle-dvae-test", dvae, null, manager.newSubManager());
    }

    @AfterAll
    static void close() {
        model.close();
    }

    private static Properties props(Map<String, String> values) {
        Properties p = new Properties();
        p.putAll(values);
        return p;
    }

    /** A CLIP that ranks the images in reverse order of their index, scores 1, 0.9, ... */
    private static final ServiceCaller REVERSED = new ServiceCaller() {
        @Override
        @SuppressWarnings("unchecked")
        public <O> O call(String id, Object input, Class<O> outputType) {
            CALLED.set(id);
            Map<String, Object> request = (Map<String, Object>) input;
            int n = ((List<Object>) request.get("images")).size();
            int top = (Integer) request.get("top");
            List<Map<String, Object>> items = new ArrayList<>();
            for (int i = 0; i < top; i++) {
                items.add(Map.of("index", n - 1 - i, "score", 1.0 - 0.1 * i));
            }
            return (O) Map.of("items", items);
        }
    };

    private static DalleDrawService draw() {
        return new DalleDrawService(model, new ClipReranker(REVERSED));
    }

    private static Map<String, Object> request(Object... kv) {
        Map<String, Object> m = new HashMap<>();
        m.put("text", "a red circle");
        m.put("rerank", false);
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    @SuppressWarnings("unchecked")
    private static List<String> images(Map<String, Object> answer) {
        List<String> out = new ArrayList<>();
        for (Object o : (List<Object>) answer.get("images")) {
            out.add((String) ((Map<String, Object>) o).get("image"));
        }
        return out;
    }

    private static void badInput(Map<String, Object> request, String field) {
        assertThatThrownBy(() -> draw().call(request)).isInstanceOfSatisfying(StoaException.class, e -> {
            assertThat(e.code()).isEqualTo(FailureCode.BAD_INPUT);
            assertThat(e.getMessage()).contains("'" + field + "'");
        });
    }

    @Test
    void badInputNamesTheField() {
        Map<String, Object> noText = request();
        noText.remove("text");
        badInput(noText, "text");
        badInput(request("text", 7), "text");
        badInput(request("text", "a very long caption that this model cannot read at all"), "text");
        badInput(request("n", 0), "n");
        badInput(request("n", 65), "n");
        badInput(request("n", 2.5), "n");
        badInput(request("temperature", 0), "temperature");
        badInput(request("temperature", "hot"), "temperature");
        badInput(request("top_k", 17), "top_k");
        badInput(request("seed", "seven"), "seed");
        badInput(request("rerank", "yes"), "rerank");
        badInput(request("n", 2, "keep", 3), "keep");
        badInput(request("clip", ""), "clip");
    }

    @Test
    void theSameSeedGivesTheSameImagesAlsoAtTheSameTimeAndOtherSeedsOthers() throws Exception {
        Map<String, Object> seven = request("n", 4, "seed", 7);
        List<String> first = images(draw().call(seven));
        assertThat(first).hasSize(4);
        CompletableFuture<List<String>> a = CompletableFuture.supplyAsync(() -> images(draw().call(seven)));
        CompletableFuture<List<String>> b = CompletableFuture.supplyAsync(() -> images(draw().call(seven)));
        assertThat(a.get()).isEqualTo(first);
        assertThat(b.get()).isEqualTo(first);
        List<String> eight = images(draw().call(request("n", 4, "seed", 8)));
        assertThat(eight).isNotEqualTo(first);
        // the samples of one call differ from each other
        assertThat(first.stream().distinct().count()).isGreaterThan(1);
        // every answer is a PNG of the dVAE's side
        Image png = Image.decode(Base64.getDecoder().decode(first.get(0)));
        assertThat(png.width()).isEqualTo(32);
        assertThat(png.height()).isEqualTo(32);
    }

    @Test
    @SuppressWarnings("unchecked")
    void streamsOnePiecePerImageTokenAndRerankKeepsClipsBest() {
        List<Object> pieces = new ArrayList<>();
        Map<String, Object> all = draw().stream(request("n", 3, "seed", 1), pieces::add);
        assertThat(pieces).hasSize(64);
        assertThat((Map<String, Object>) pieces.get(0)).containsEntry("step", 1).containsEntry("steps", 64);
        assertThat((Map<String, Object>) pieces.get(63)).containsEntry("step", 64);

        Map<String, Object> best = draw().call(request("n", 3, "seed", 1, "rerank", true, "keep", 2));
        assertThat(CALLED.get()).isEqualTo("clip-tiny-rerank");
        List<Map<String, Object>> items = (List<Map<String, Object>>) best.get("images");
        assertThat(items).hasSize(2);
        // the stand-in CLIP likes the last sample best: it comes first, its image the one drawn at index 2
        assertThat(items.get(0)).containsEntry("index", 2).containsEntry("score", 1.0);
        assertThat(items.get(0).get("image")).isEqualTo(images(all).get(2));
        assertThat(best.get("reranked_by")).isEqualTo("clip-tiny");
    }

    @Test
    void aClipThatCannotAnswerKeepsItsCode() {
        ServiceCaller none = new ServiceCaller() {
            @Override
            public <O> O call(String id, Object input, Class<O> outputType) {
                throw new StoaException(FailureCode.UNKNOWN_SERVICE, "no service " + id);
            }
        };
        assertThatThrownBy(() -> new DalleDrawService(model, new ClipReranker(none))
                        .call(request("rerank", true, "clip", "clip-none")))
                .isInstanceOfSatisfying(StoaException.class, e -> {
                    assertThat(e.code()).isEqualTo(FailureCode.UNKNOWN_SERVICE);
                    assertThat(e.getMessage()).contains("clip-none-rerank").contains("\"rerank\": false");
                });
    }

    @Test
    @SuppressWarnings("unchecked")
    void tokensGoBothWays() {
        DvaeTokensService tokens = new DvaeTokensService(dvaeOnly);
        Image red = new Image(32, 32, new byte[32 * 32 * 3]);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("image", Base64.getEncoder().encodeToString(red.encodePng()));
        Map<String, Object> encoded = tokens.call(m);
        List<Long> codes = (List<Long>) encoded.get("tokens");
        assertThat(codes).hasSize(64).allSatisfy(c -> assertThat(c).isBetween(0L, 15L));
        Map<String, Object> back = tokens.call(Map.of("tokens", codes));
        // the image's own reconstruction is the decoding of its tokens
        assertThat(back.get("image")).isEqualTo(encoded.get("image"));

        assertThatThrownBy(() -> tokens.call(Map.of("tokens", List.of(1, 2, 3))))
                .isInstanceOfSatisfying(
                        StoaException.class, e -> assertThat(e.getMessage()).contains("'tokens'"));
        List<Object> outOfRange = new ArrayList<>(codes);
        outOfRange.set(5, 16);
        assertThatThrownBy(() -> tokens.call(Map.of("tokens", outOfRange)))
                .isInstanceOfSatisfying(
                        StoaException.class, e -> assertThat(e.getMessage()).contains("item 5"));
        assertThatThrownBy(() -> tokens.call(Map.of()))
                .isInstanceOfSatisfying(
                        StoaException.class, e -> assertThat(e.code()).isEqualTo(FailureCode.BAD_INPUT));
        assertThatThrownBy(() -> tokens.call(Map.of("image", "not base64!")))
                .isInstanceOfSatisfying(
                        StoaException.class, e -> assertThat(e.getMessage()).contains("'image'"));
    }
}
