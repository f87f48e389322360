package dev.stoa.datasets.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoa.api.dataset.Dataset;
import dev.stoa.api.dataset.Example;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * With every renderer option at its default, the dataset draws the same bytes as before the renderer options
 * existed: trained models and their recorded numbers stay valid. The checksums were computed by this same code on
 * main's renderer (commit 2eafb8c, before any variation was added); no text is drawn, since glyphs depend on the
 * installed fonts.
 */
class ShapesDefaultBytesTest {

    /** Option sets whose pixels, captions and attributes are pinned, in order. */
    static final List<Map<String, Object>> PINNED = List.of(
            Map.of(),
            Map.of(
                    "seed",
                    3,
                    "image_size",
                    64,
                    "background",
                    "noise",
                    "max_count",
                    4,
                    "min_size",
                    0.1,
                    "max_size",
                    1.0),
            Map.of("seed", -11, "image_size", 17, "max_count", 9, "holdout", List.of("red circle", "orange star")));

    /** SHA-256 of every split's first 150 examples' RGB bytes, per option set of {@link #PINNED}. */
    private static final List<String> PIXELS = List.of(
            "4f9236be4a6ff5fade23368c87151bfa51e1807a6d635de000fe674b675334cc",
            "39cb7c7f5ff69b0551267db962bbfb93bd8a158a0a6cbfd7542ffc899378930b",
            "29574008c1e088109320206554e3cf4f42ad50353795e9e5bb9b2001d48bedd1");

    /** SHA-256 of the same examples' ids, labels, captions and attributes (sorted by key). */
    private static final List<String> TEXTS = List.of(
            "23985f10777d66fdb900872778155a63e63ff0b1d5998db8cfd6bd45e8923256",
            "ca6d68f5880f550fe021f083df3211c1ba5a2da09bfd244b55c7750009c567d5",
            "6085092cf194bb1e4c7315b8b32fd7843ed80b9e3d4a9e72d3d0ab6f4dc4cbc2");

    private static final List<String> SPLITS = List.of("train", "val", "test", "test-unseen", "gallery");

    @Test
    void defaultsDrawTheBytesMainDrew() throws Exception {
        for (int k = 0; k < PINNED.size(); k++) {
            String[] sums = checksums(new ShapesDatasetFactory().open(PINNED.get(k)));
            assertThat(sums[0]).as("pixels of option set %s", PINNED.get(k)).isEqualTo(PIXELS.get(k));
            assertThat(sums[1]).as("captions of option set %s", PINNED.get(k)).isEqualTo(TEXTS.get(k));
        }
    }

    static String[] checksums(Dataset d) throws Exception {
        MessageDigest pixels = MessageDigest.getInstance("SHA-256");
        MessageDigest texts = MessageDigest.getInstance("SHA-256");
        for (String split : SPLITS) {
            Dataset.Split s = d.split(split);
            for (int i = 0; i < Math.min(150, s.size()); i++) {
                Example e = s.get(i);
                pixels.update(e.image().rgb());
                String t = e.id() + "|" + e.label() + "|" + e.captions() + "|" + new TreeMap<>(e.attributes()) + "\n";
                texts.update(t.getBytes(StandardCharsets.UTF_8));
            }
        }
        return new String[] {
            HexFormat.of().formatHex(pixels.digest()), HexFormat.of().formatHex(texts.digest())
        };
    }
}
