package dev.stoa.models.unclip.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import dev.stoa.api.data.Image;
import dev.stoa.api.model.ModelService;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The draw and variations services over a small unCLIP saved and opened as the model repository opens a trained
 * version (with the stand-in CLIP): bounds and BAD_INPUT naming the field, seeds, pieces, sizes.
 */
class UnclipServicesTest {

    @TempDir
    static Path store;

    private static UnclipModels.Opened opened;
    private static UnclipDrawService draw;
    private static UnclipVariationsService variations;
    private static String source;

    @BeforeAll
    static void open() throws Exception {
        Engine.getEngine("PyTorch").setRandomSeed(11);
        UnclipConfig config =
                UnclipTestSupport.config("image_size=16", "channels=8", "prior_width=32", "prior_layers=1");
        Path dir = store.resolve("unclip-test").resolve("1");
        Files.createDirectories(dir);
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            Unclip model = new Unclip(config, UnclipTestSupport.DIMENSION);
            model.initialize(m, DataType.FLOAT32, UnclipTrainable.shapes(config, UnclipTestSupport.DIMENSION));
            // as after some training: the convolutions the U-Net starts at zero get small weights, so that the
            // embedding and the guidance scale reach what is drawn
            for (Pair<String, Parameter> p : model.getParameters()) {
                NDArray w = p.getValue().getArray();
                if (p.getKey().endsWith("weight") && w.abs().sum().getFloat() == 0f) {
                    w.set(m.randomNormal(0f, 0.05f, w.getShape(), DataType.FLOAT32)
                            .toFloatArray());
                }
            }
            StoredUnclip.save(dir, config, model);
        }
        opened = UnclipModels.open("unclip-test", dir, "PyTorch", clip -> new PixelClip(UnclipTestSupport.DIMENSION));
        draw = opened.draw();
        variations = opened.variations();
        source = Base64.getEncoder()
                .encodeToString(
                        UnclipTestSupport.shapes().split("test").get(0).image().encodePng());
    }

    @AfterAll
    static void close() {
        opened.manager().close();
    }

    private static Map<String, Object> request(Object... kv) {
        Map<String, Object> r = new HashMap<>();
        r.put("text", "a red circle");
        for (int i = 0; i < kv.length; i += 2) {
            r.put((String) kv[i], kv[i + 1]);
        }
        return r;
    }

    private static Map<String, Object> variation(Object... kv) {
        Map<String, Object> r = new HashMap<>();
        r.put("image", source);
        for (int i = 0; i < kv.length; i += 2) {
            r.put((String) kv[i], kv[i + 1]);
        }
        return r;
    }

    @SuppressWarnings("unchecked")
    private static List<Image> images(Map<String, Object> answer) {
        List<Image> out = new ArrayList<>();
        for (Map<String, Object> e : (List<Map<String, Object>>) answer.get("images")) {
            out.add(Image.decode(Base64.getDecoder().decode((String) e.get("image"))));
        }
        return out;
    }

    @Test
    void bothServicesAreNamedPerVersion() {
        assertThat(opened.services().stream().map(ModelService::id))
                .containsExactly("unclip-test-draw", "unclip-test-variations");
    }

    @Test
    void drawsNImagesWithAPiecePerStepOfEachStage() {
        List<Object> pieces = new ArrayList<>();
        Map<String, Object> answer =
                draw.stream(request("n", 3, "seed", 7, "guidance_scale", 3, "steps", 5, "prior_steps", 4), pieces::add);
        assertThat(images(answer))
                .hasSize(3)
                .allSatisfy(i -> assertThat(i.width()).isEqualTo(16));
        assertThat(answer)
                .containsEntry("seed", 7L)
                .containsEntry("steps", 5)
                .containsEntry("prior_steps", 4)
                .containsEntry("guidance_scale", 3.0)
                .containsEntry("model", "unclip-test");
        assertThat(pieces).hasSize(9);
        assertThat(pieces.get(3)).isEqualTo(Map.of("stage", "prior", "step", 4, "steps", 4));
        assertThat(pieces.get(8)).isEqualTo(Map.of("stage", "decoder", "step", 5, "steps", 5));
        List<Image> big = images(draw.call(request("n", 1, "steps", 2, "prior_steps", 2, "size", 64)));
        assertThat(big.get(0).width()).isEqualTo(64);
        assertThat(big.get(0).height()).isEqualTo(64);
    }

    @Test
    void theSameSeedGivesTheSameImagesAlsoConcurrentlyAndAnotherSeedOthers() throws Exception {
        Map<String, Object> r = request("n", 2, "seed", 42, "steps", 4, "prior_steps", 3);
        List<Image> first = images(draw.call(r));
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<Map<String, Object>> a = pool.submit(() -> draw.call(r));
            Future<Map<String, Object>> b =
                    pool.submit(() -> draw.call(request("n", 2, "seed", 43, "steps", 4, "prior_steps", 3)));
            assertThat(images(a.get())).isEqualTo(first);
            assertThat(images(b.get())).isNotEqualTo(first);
        } finally {
            pool.shutdown();
        }
        assertThat(first.get(0)).isNotEqualTo(first.get(1));
        assertThat(images(draw.call(request("n", 2, "seed", 42, "steps", 4, "prior_steps", 3, "guidance_scale", 0))))
                .isNotEqualTo(first);
    }

    @Test
    void variationsDrawNImagesReproducibly() {
        List<Object> pieces = new ArrayList<>();
        Map<String, Object> answer = variations.stream(variation("n", 2, "seed", 5, "steps", 3), pieces::add);
        List<Image> first = images(answer);
        assertThat(first).hasSize(2).allSatisfy(i -> assertThat(i.width()).isEqualTo(16));
        assertThat(pieces).hasSize(3).last().isEqualTo(Map.of("stage", "decoder", "step", 3, "steps", 3));
        assertThat(images(variations.call(variation("n", 2, "seed", 5, "steps", 3))))
                .isEqualTo(first);
        assertThat(images(variations.call(variation("n", 2, "seed", 6, "steps", 3))))
                .isNotEqualTo(first);
        // the image as the platform writes an Image, {"image": {"image": "<base64>"}}, is read too
        assertThat(images(variations.call(variation("image", Map.of("image", source), "n", 2, "seed", 5, "steps", 3))))
                .isEqualTo(first);
    }

    @Test
    void badInputNamesTheField() {
        expectBad(draw, Map.of(), "text");
        expectBad(draw, Map.of("text", ""), "text");
        expectBad(draw, Map.of("text", 5), "text");
        expectBad(draw, Map.of("text", "a".repeat(201)), "text");
        expectBad(draw, request("n", 0), "n");
        expectBad(draw, request("n", 17), "n");
        expectBad(draw, request("n", 1.5), "n");
        expectBad(draw, request("n", "four"), "n");
        expectBad(draw, request("steps", 0), "steps");
        expectBad(draw, request("steps", 251), "steps");
        expectBad(draw, request("prior_steps", 0), "prior_steps");
        expectBad(draw, request("guidance_scale", -1), "guidance_scale");
        expectBad(draw, request("guidance_scale", 21), "guidance_scale");
        expectBad(draw, request("prior_guidance_scale", "high"), "prior_guidance_scale");
        expectBad(draw, request("seed", 1.25), "seed");
        expectBad(draw, request("size", 4), "size");
        expectBad(draw, request("size", 4096), "size");
        expectBad(variations, Map.of(), "image");
        expectBad(variations, Map.of("image", 3), "image");
        expectBad(variations, Map.of("image", "not base64!"), "image");
        expectBad(variations, Map.of("image", Base64.getEncoder().encodeToString(new byte[] {1, 2, 3})), "image");
        expectBad(variations, variation("n", 0), "n");
        expectBad(variations, variation("steps", 251), "steps");
        expectBad(variations, variation("guidance_scale", -0.5), "guidance_scale");
        expectBad(variations, variation("size", 4), "size");
    }

    private static void expectBad(UnclipService service, Map<String, Object> request, String field) {
        assertThatThrownBy(() -> service.call(request))
                .isInstanceOf(StoaException.class)
                .satisfies(e -> {
                    StoaException s = (StoaException) e;
                    assertThat(s.code()).isEqualTo(FailureCode.BAD_INPUT);
                    assertThat(s.getMessage()).contains(field);
                });
    }
}
