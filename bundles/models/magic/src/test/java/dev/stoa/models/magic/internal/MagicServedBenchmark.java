package dev.stoa.models.magic.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoa.api.data.Image;
import dev.stoa.api.dataset.Example;
import dev.stoa.datasets.internal.ShapesDatasetFactory;
import dev.stoa.nn.eval.CaptionWords;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * End to end against a running server with the trained language model and CLIP: captions the first n held-out scenes
 * (shapes, seed 0, split test, 96 px, one to three copies, a word in half) with each captioner named, and reports
 * colour+shape, colour, shape and count accuracy ({@link CaptionWords}, as the survey benchmark scores captions) and
 * the mean CLIP cosine of each caption to its image ({@code <clip>-similarity}). It asserts what MAGiC is for: its
 * captions are closer to their images in CLIP's space than greedy decoding's of the same language model. Only with
 * {@code -Dbench=true}:
 *
 * <pre>
 * mvn -o -B -pl bundles/models/magic -am verify -DskipITs -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dtest=MagicServedBenchmark -Dbench=true -Dmagic.url=http://127.0.0.1:18093 -Dmagic.n=200 \
 *     -Dmagic.greedy=gpt-scene-captions-greedy-caption -Dmagic.services=magic-gpt-scene-captions-caption
 * </pre>
 */
class MagicServedBenchmark {

    private final HttpClient http = HttpClient.newHttpClient();
    private final String url = System.getProperty("magic.url", "http://127.0.0.1:18093");

    @Test
    @EnabledIfSystemProperty(named = "bench", matches = "true")
    void magicCaptionsAreCloserToTheirImagesInClipsSpaceThanGreedyOnes() throws Exception {
        int n = Integer.getInteger("magic.n", 20);
        String clip = System.getProperty("magic.clip", "clip-tiny-scenes");
        String greedy = System.getProperty("magic.greedy", "gpt-scene-captions-greedy-caption");
        List<String> services = new ArrayList<>(List.of(greedy));
        for (String s : System.getProperty("magic.services", "magic-gpt-scene-captions-caption")
                .split(",")) {
            if (!s.isBlank()) {
                services.add(s.trim());
            }
        }
        Map<String, Object> options = new LinkedHashMap<>();
        options.put("seed", 0);
        options.put("image_size", 96);
        options.put("max_count", 3);
        options.put("text_probability", 0.5);
        var split = new ShapesDatasetFactory().open(options).split("test");
        List<Example> scenes = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            scenes.add(split.get(i));
        }
        Map<String, double[]> results = new LinkedHashMap<>();
        for (String service : services) {
            int colourShape = 0;
            int colour = 0;
            int shape = 0;
            int count = 0;
            double similarity = 0;
            long t0 = System.nanoTime();
            for (int i = 0; i < scenes.size(); i++) {
                Example e = scenes.get(i);
                String png = png(e.image());
                String caption = string(post(service, "{\"image\": \"" + png + "\"}"), "text");
                String c = e.attributes().get("colour");
                String s = e.attributes().get("shape");
                boolean hasColour = CaptionWords.names(caption, c);
                boolean hasShape = CaptionWords.names(caption, s);
                colour += hasColour ? 1 : 0;
                shape += hasShape ? 1 : 0;
                colourShape += hasColour && hasShape ? 1 : 0;
                count += CaptionWords.counts(
                                caption, Integer.parseInt(e.attributes().get("count")))
                        ? 1
                        : 0;
                String sims =
                        post(clip + "-similarity", "{\"image\": \"" + png + "\", \"texts\": [" + quote(caption) + "]}");
                similarity += number(sims, "similarities");
                if (i < 5) {
                    System.out.printf(Locale.ROOT, "  %s | %s: %s%n", service, e.caption(), caption);
                }
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            double[] r = {
                (double) colourShape / n,
                (double) colour / n,
                (double) shape / n,
                (double) count / n,
                similarity / n,
                seconds / n
            };
            results.put(service, r);
            System.out.printf(
                    Locale.ROOT,
                    "%s: colour+shape %.3f colour %.3f shape %.3f count %.3f clip_cosine %.4f (%.2f s a caption)%n",
                    service,
                    r[0],
                    r[1],
                    r[2],
                    r[3],
                    r[4],
                    r[5]);
        }
        double greedySimilarity = results.get(greedy)[4];
        for (String service : services.subList(1, services.size())) {
            assertThat(results.get(service)[4])
                    .as(service + "'s captions against greedy decoding's in CLIP's space")
                    .isGreaterThan(greedySimilarity);
        }
    }

    private String post(String service, String body) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create(url + "/v1/services/" + service))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(service + ": " + r.body()).isEqualTo(200);
        return r.body();
    }

    private static String string(String json, String field) {
        Matcher m = Pattern.compile("\"" + field + "\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"")
                .matcher(json);
        assertThat(m.find()).as(json).isTrue();
        return m.group(1).replace("\\\"", "\"").replace("\\\\", "\\");
    }

    private static double number(String json, String field) {
        Matcher m =
                Pattern.compile("\"" + field + "\"\\s*:\\s*\\[\\s*([-0-9.eE]+)").matcher(json);
        assertThat(m.find()).as(json).isTrue();
        return Double.parseDouble(m.group(1));
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static String png(Image image) throws IOException {
        BufferedImage b = new BufferedImage(image.width(), image.height(), BufferedImage.TYPE_INT_RGB);
        byte[] rgb = image.rgb();
        for (int y = 0; y < image.height(); y++) {
            for (int x = 0; x < image.width(); x++) {
                int i = 3 * (y * image.width() + x);
                b.setRGB(x, y, ((rgb[i] & 0xff) << 16) | ((rgb[i + 1] & 0xff) << 8) | (rgb[i + 2] & 0xff));
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(b, "png", out);
        return Base64.getEncoder().encodeToString(out.toByteArray());
    }
}
