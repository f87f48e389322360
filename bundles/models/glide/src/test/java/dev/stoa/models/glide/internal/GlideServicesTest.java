package dev.stoa.models.glide.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import dev.stoa.api.data.Image;
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
 * The draw service over a small GLIDE saved and opened as the model repository opens a trained version: bounds and
 * BAD_INPUT naming the field, seeds, pieces, sizes.
 */
class GlideServicesTest {

    @TempDir
    static Path store;

    private static GlideDrawService service;

    @BeforeAll
    static void open() throws Exception {
        Engine.getEngine("PyTorch").setRandomSeed(11);
        GlideConfig config = GlideTestSupport.config("image_size=16", "channels=8", "text_width=16", "text_heads=2");
        Path dir = store.resolve("glide-test").resolve("1");
        java.nio.file.Files.createDirectories(dir);
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            Glide model = GlideFactory.model(config);
            model.initialize(m, DataType.FLOAT32, GlideTrainable.shapes(config));
            // as after some training: the convolutions the U-Net starts at zero get small weights, so that the caption
            // and the guidance scale reach what is drawn
            for (ai.djl.util.Pair<String, ai.djl.nn.Parameter> p : model.getParameters()) {
                ai.djl.ndarray.NDArray w = p.getValue().getArray();
                if (p.getKey().endsWith("weight") && w.abs().sum().getFloat() == 0f) {
                    w.set(m.randomNormal(0f, 0.05f, w.getShape(), DataType.FLOAT32)
                            .toFloatArray());
                }
            }
            StoredGlide.save(dir, config, model);
        }
        service = GlideModels.open("glide-test", dir, "PyTorch");
        assertThat(GlideModels.services("glide-test", service).get(0).id()).isEqualTo("glide-test-draw");
    }

    @AfterAll
    static void close() {
        service.close();
    }

    private static Map<String, Object> request(Object... kv) {
        Map<String, Object> r = new HashMap<>();
        r.put("text", "a red circle");
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
    void drawsNImagesWithAPiecePerStepAndEchoesTheSettings() {
        List<Object> pieces = new ArrayList<>();
        Map<String, Object> answer =
                service.stream(request("n", 3, "seed", 7, "guidance_scale", 3, "steps", 5), pieces::add);
        List<Image> images = images(answer);
        assertThat(images).hasSize(3).allSatisfy(i -> assertThat(i.width()).isEqualTo(16));
        assertThat(answer).containsEntry("seed", 7L).containsEntry("steps", 5).containsEntry("guidance_scale", 3.0);
        assertThat(pieces).hasSize(5);
        assertThat(pieces.get(4)).isEqualTo(Map.of("step", 5, "steps", 5));
        List<Image> big = images(service.call(request("n", 1, "steps", 2, "size", 64)));
        assertThat(big.get(0).width()).isEqualTo(64);
        assertThat(big.get(0).height()).isEqualTo(64);
    }

    @Test
    void theSameSeedGivesTheSameImagesAlsoConcurrentlyAndAnotherSeedOthers() throws Exception {
        Map<String, Object> r = request("n", 2, "seed", 42, "steps", 4);
        List<Image> first = images(service.call(r));
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<Map<String, Object>> a = pool.submit(() -> service.call(r));
            Future<Map<String, Object>> b = pool.submit(() -> service.call(request("n", 2, "seed", 43, "steps", 4)));
            assertThat(images(a.get())).isEqualTo(first);
            assertThat(images(b.get())).isNotEqualTo(first);
        } finally {
            pool.shutdown();
        }
        // two images of one call differ: each has its own noise
        assertThat(first.get(0)).isNotEqualTo(first.get(1));
        // guidance changes what is drawn from the same noise
        assertThat(images(service.call(request("n", 2, "seed", 42, "steps", 4, "guidance_scale", 0))))
                .isNotEqualTo(first);
    }

    @Test
    void badInputNamesTheField() {
        expectBad(Map.of(), "text");
        expectBad(Map.of("text", ""), "text");
        expectBad(Map.of("text", 5), "text");
        expectBad(Map.of("text", "a".repeat(201)), "text");
        expectBad(request("n", 0), "n");
        expectBad(request("n", 17), "n");
        expectBad(request("n", 1.5), "n");
        expectBad(request("n", "four"), "n");
        expectBad(request("steps", 0), "steps");
        expectBad(request("steps", 251), "steps");
        expectBad(request("guidance_scale", -1), "guidance_scale");
        expectBad(request("guidance_scale", 21), "guidance_scale");
        expectBad(request("guidance_scale", "high"), "guidance_scale");
        expectBad(request("seed", 1.25), "seed");
        expectBad(request("size", 4), "size");
        expectBad(request("size", 4096), "size");
    }

    private static void expectBad(Map<String, Object> request, String field) {
        assertThatThrownBy(() -> service.call(request))
                .isInstanceOf(StoaException.class)
                .satisfies(e -> {
                    StoaException s = (StoaException) e;
                    assertThat(s.code()).isEqualTo(FailureCode.BAD_INPUT);
                    assertThat(s.getMessage()).contains(field);
                });
    }
}
