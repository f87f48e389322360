package dev.stoa.models.clip.internal;

import dev.stoa.api.data.Image;
import dev.stoa.encoders.internal.ResNetEncoderFactory;
import dev.stoa.encoders.internal.TextTransformerFactory;
import dev.stoa.encoders.internal.VitEncoderFactory;
import dev.stoa.nn.encoder.EncoderFactory;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** The encoder services and variant files as the platform has them, outside OSGi. */
final class ClipTestSupport {

    static final Map<String, EncoderFactory> ENCODERS = Map.of(
            "vit",
            new VitEncoderFactory(),
            "resnet",
            new ResNetEncoderFactory(),
            "text-transformer",
            new TextTransformerFactory());

    private ClipTestSupport() {}

    /** @return every variants/*.properties this bundle ships, so a new file is tested without editing a test */
    static List<Path> variantFiles() throws IOException, URISyntaxException {
        Path dir = Path.of(ClipTestSupport.class.getResource("/variants").toURI());
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.toString().endsWith(".properties"))
                    .sorted()
                    .toList();
        }
    }

    static ClipVariant variant(Path file) throws IOException {
        String name = file.getFileName().toString().replace(".properties", "");
        try (InputStream in = Files.newInputStream(file)) {
            return ClipVariant.read(name, in);
        }
    }

    static ClipVariant variant(String name) throws IOException {
        try (InputStream in = ClipTestSupport.class.getResourceAsStream("/variants/" + name + ".properties")) {
            return ClipVariant.read(name, in);
        }
    }

    /** @return a w x h image whose pixel (x, y) is (r, g, b) = (x, y, x + y) mod 256 */
    static Image gradient(int w, int h) {
        byte[] rgb = new byte[w * h * 3];
        for (int y = 0, i = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                rgb[i++] = (byte) x;
                rgb[i++] = (byte) y;
                rgb[i++] = (byte) (x + y);
            }
        }
        return new Image(w, h, rgb);
    }
}
