package dev.stoa.models.sam.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import dev.stoa.api.data.Image;
import dev.stoa.api.data.Mask;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * The segment request's {@code mask} field, parsed without a model: the prompt it becomes is the one training makes
 * from a target ({@link MaskOps#coarse}) whatever the PNG's size and brightness of its object, and every bad mask is
 * BAD_INPUT (or TOO_LARGE, as for the image) naming {@code mask}.
 */
class SamRequestsTest {

    /** The model's mask side in the tests' small variant. */
    private static final int SIDE = 32;

    private static final Image IMAGE = new Image(40, 24, new byte[40 * 24 * 3]);

    /**
     * A disc and a bar, 40 x 24 like the image (each pixel repeated {@code scale} times each way), so the prompt has
     * cells fully in, fully out and partly in.
     */
    private static Mask shape(int scale) {
        int w = 40 * scale;
        int h = 24 * scale;
        byte[] bits = new byte[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int dx = x / scale - 14;
                int dy = y / scale - 11;
                boolean in = dx * dx + dy * dy < 49 || (x / scale >= 28 && x / scale < 31 && y / scale >= 3);
                bits[y * w + x] = (byte) (in ? 1 : 0);
            }
        }
        return new Mask(w, h, bits);
    }

    private static String base64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }

    private static Map<String, Object> request(Object... kv) {
        Map<String, Object> r = new HashMap<>();
        r.put("points", List.of(List.of(14, 11)));
        for (int i = 0; i < kv.length; i += 2) {
            if (kv[i + 1] == null) {
                r.remove((String) kv[i]);
            } else {
                r.put((String) kv[i], kv[i + 1]);
            }
        }
        return r;
    }

    private static float[] maskPrompt(Object mask) {
        return SamRequests.prompt(request("mask", mask), IMAGE, SIDE).mask();
    }

    @Test
    void aMaskPngBecomesTheCoarsePromptTrainingMakesFromATarget() {
        Mask m = shape(1);
        float[] prompt = maskPrompt(base64(m.encodePng()));
        assertThat(prompt).containsExactly(MaskOps.coarse(m, SIDE, SamPrompt.MASK_CELL));
        // partly covered cells are fractions, as training's averaged target; none outside [0, 1]
        assertThat(prompt).contains(0f, 1f);
        long fractions = 0;
        for (float v : prompt) {
            assertThat(v).isBetween(0f, 1f);
            fractions += v > 0 && v < 1 ? 1 : 0;
        }
        assertThat(fractions).isPositive();
        // the points and labels are those of the same request without a mask
        SamPrompt with = SamRequests.prompt(request("mask", base64(m.encodePng())), IMAGE, SIDE);
        SamPrompt without = SamRequests.prompt(request(), IMAGE, SIDE);
        assertThat(without.mask()).isNull();
        assertThat(with.points()).containsExactly(without.points());
        assertThat(with.labels()).containsExactly(without.labels());
    }

    @Test
    void aMaskOfAnySizeIsStretchedOverTheImage() {
        float[] same = maskPrompt(base64(shape(1).encodePng()));
        // three times the image's size: every model pixel samples the same place of the shape
        assertThat(maskPrompt(base64(shape(3).encodePng()))).containsExactly(same);
        // a data: URL as a browser writes it reads the same
        assertThat(maskPrompt("data:image/png;base64," + base64(shape(1).encodePng())))
                .containsExactly(same);
    }

    @Test
    void everyPixelNotPureBlackIsInsideSoZeroOneAndColouredMasksRead() {
        Mask m = shape(1);
        float[] expected = MaskOps.coarse(m, SIDE, SamPrompt.MASK_CELL);
        byte[] one = new byte[m.bits().length * 3];
        byte[] red = new byte[m.bits().length * 3];
        for (int i = 0; i < m.bits().length; i++) {
            if (m.bits()[i] != 0) {
                Arrays.fill(one, 3 * i, 3 * i + 3, (byte) 1);
                red[3 * i] = (byte) 200;
            }
        }
        assertThat(maskPrompt(base64(new Image(40, 24, one).encodePng()))).containsExactly(expected);
        assertThat(maskPrompt(base64(new Image(40, 24, red).encodePng()))).containsExactly(expected);
    }

    @Test
    void aMaskOverTheImagesPixelBudgetIsDecodedSubsampled() {
        // 2048 x 2048, over the 1024 x 1024 budget: decoded at every second pixel, the same prompt as at full size
        int n = 2048;
        byte[] bits = new byte[n * n];
        for (int y = 512; y < 1536; y++) {
            Arrays.fill(bits, y * n + 256, y * n + 1280, (byte) 1);
        }
        Mask big = new Mask(n, n, bits);
        Image decoded = Image.decode(big.encodePng(), SamRequests.MAX_IMAGE_PIXELS);
        assertThat((long) decoded.width() * decoded.height()).isLessThanOrEqualTo(SamRequests.MAX_IMAGE_PIXELS);
        assertThat(SamRequests.prompt(request("mask", base64(big.encodePng())), IMAGE, SIDE)
                        .mask())
                .containsExactly(MaskOps.coarse(big, SIDE, SamPrompt.MASK_CELL));
    }

    @Test
    void aMaskAloneIsNotAPrompt() {
        String png = base64(shape(1).encodePng());
        bad(request("points", null, "mask", png), "'points': is missing and so is 'box'; 'mask' refines a point");
    }

    @Test
    void eachBadMaskNamesTheFieldAndTheFix() {
        byte[] png = shape(1).encodePng();
        bad(request("mask", 3), "'mask': must be the base64 of a PNG file");
        bad(request("mask", List.of(0, 1)), "'mask': must be the base64 of a PNG file");
        bad(request("mask", ""), "'mask': must be the base64 of a PNG file");
        bad(
                request("mask", Map.of("mask", base64(png), "score", 0.9)),
                "'mask': is a segment object; send the segment's own \"mask\" string");
        bad(request("mask", "a"), "'mask': is not valid base64");
        bad(
                request("mask", base64("hello, world".getBytes(StandardCharsets.US_ASCII))),
                "'mask': is not a PNG file (12 bytes, starting 68656c6c)");
        bad(request("mask", base64(jpeg())), "'mask': is not a PNG file");
        bad(request("mask", base64(Arrays.copyOf(png, png.length / 2))), "'mask': is not an intact PNG");
        byte[] zeros = Arrays.copyOf(png, png.length);
        Arrays.fill(zeros, 33, zeros.length, (byte) 0);
        bad(request("mask", base64(zeros)), "'mask': is not an intact PNG");
        bad(request("mask", base64(Arrays.copyOf(png, 8))), "'mask': is not an intact PNG");
        // a header announcing 100000 x 100000 pixels (of a 57-byte file) is refused before anything is decoded, with
        // the image's own code and limit
        assertThatThrownBy(() -> SamRequests.prompt(request("mask", base64(header(100_000, 100_000))), IMAGE, SIDE))
                .isInstanceOfSatisfying(
                        StoaException.class, e -> assertThat(e.code()).isEqualTo(FailureCode.TOO_LARGE))
                .hasMessageStartingWith("'mask': header says 100000x100000")
                .hasMessageContaining("resize it first");
        // the bad field is reported even when the points are right
        assertThatThrownBy(() -> SamRequests.prompt(request("mask", "a", "box", List.of(1, 1, 9, 9)), IMAGE, SIDE))
                .hasMessageStartingWith("'mask'");
    }

    private static void bad(Map<String, Object> request, String message) {
        try {
            SamRequests.prompt(request, IMAGE, SIDE);
        } catch (StoaException e) {
        }
        assertThatThrownBy(() -> SamRequests.prompt(request, IMAGE, SIDE))
                .isInstanceOfSatisfying(
                        StoaException.class, e -> assertThat(e.code()).isEqualTo(FailureCode.BAD_INPUT))
                .hasMessageContaining(message);
    }

    private static byte[] jpeg() {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB), "jpg", out);
            return out.toByteArray();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** @return a PNG signature, an IHDR chunk announcing {@code w x h} grey pixels (its CRC right) and IEND */
    private static byte[] header(int w, int h) {
        ByteBuffer b = ByteBuffer.allocate(8 + 25 + 12);
        b.put(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        ByteBuffer ihdr = ByteBuffer.allocate(17);
        ihdr.put("IHDR".getBytes(StandardCharsets.US_ASCII)).putInt(w).putInt(h);
        ihdr.put(new byte[] {8, 0, 0, 0, 0});
        CRC32 crc = new CRC32();
        crc.update(ihdr.array());
        b.putInt(13).put(ihdr.array()).putInt((int) crc.getValue());
        CRC32 end = new CRC32();
        end.update("IEND".getBytes(StandardCharsets.US_ASCII));
        b.putInt(0).put("IEND".getBytes(StandardCharsets.US_ASCII)).putInt((int) end.getValue());
        return b.array();
    }
}
