package dev.stoa.api.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

class ImageTest {

    @Test
    void pngRoundTripKeepsEveryPixel() {
        BufferedImage src = new BufferedImage(7, 5, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = src.createGraphics();
        g.setColor(new Color(10, 200, 30));
        g.fillRect(0, 0, 7, 5);
        g.setColor(new Color(250, 1, 128));
        g.fillRect(2, 1, 3, 2);
        g.dispose();

        Image img = Image.fromBufferedImage(src);
        Image back = Image.decode(img.encodePng());

        assertThat(back).isEqualTo(img);
        // pixel (3, 2) lies in the inner rectangle: R=250, G=1, B=128
        int o = (2 * 7 + 3) * 3;
        assertThat(new int[] {back.rgb()[o] & 0xff, back.rgb()[o + 1] & 0xff, back.rgb()[o + 2] & 0xff})
                .containsExactly(250, 1, 128);
    }

    @Test
    void corruptFileIsBadInputNamingTheField() {
        byte[] notAnImage = "this is not a png".getBytes();
        assertThatThrownBy(() -> Image.decode(notAnImage))
                .isInstanceOfSatisfying(
                        StoaException.class, e -> assertThat(e.code()).isEqualTo(FailureCode.BAD_INPUT))
                .hasMessageContaining("'image'");
    }

    @Test
    void truncatedPngIsBadInput() {
        byte[] png = Image.fromBufferedImage(new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB))
                .encodePng();
        byte[] cut = java.util.Arrays.copyOf(png, png.length / 2);
        assertThatThrownBy(() -> Image.decode(cut))
                .isInstanceOfSatisfying(
                        StoaException.class, e -> assertThat(e.code()).isEqualTo(FailureCode.BAD_INPUT));
    }

    @Test
    void hugeHeaderIsRefusedBeforeDecoding() throws IOException {
        byte[] header = pngHeaderOnly(20_000, 20_000);
        assertThatThrownBy(() -> Image.decode(header))
                .isInstanceOfSatisfying(
                        StoaException.class, e -> assertThat(e.code()).isEqualTo(FailureCode.TOO_LARGE))
                .hasMessageContaining("20000x20000");
    }

    @Test
    void emptyInputIsBadInput() {
        assertThatThrownBy(() -> Image.decode(new byte[0]))
                .isInstanceOfSatisfying(
                        StoaException.class, e -> assertThat(e.code()).isEqualTo(FailureCode.BAD_INPUT))
                .hasMessageContaining("empty");
    }

    @Test
    void wrongBufferSizeNamesTheField() {
        assertThatThrownBy(() -> new Image(2, 2, new byte[11]))
                .hasMessageContaining("'rgb'")
                .hasMessageContaining("12");
    }

    @Test
    void anImageOverTheBudgetIsDecodedSubsampledWithoutAllocatingItsFullSize() throws IOException {
        byte[] bomb = blackPng(8192, 8192);
        assertThat(bomb.length).isLessThan(400_000); // a small file that announces 67M pixels
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        Image image = Image.decode(bomb);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertThat(image.width() * (long) image.height()).isLessThanOrEqualTo(Image.DEFAULT_MAX_PIXELS);
        assertThat(image.width()).isEqualTo(2048);
        assertThat(image.height()).isEqualTo(2048);
        // the 2048x2048 result and its decoded raster, 12 + 16 MB; decoding at full size allocated over 600 MB
        assertThat(allocated).as("bytes allocated by the decode").isLessThan(80L * 1024 * 1024);
    }

    @Test
    void subsamplingKeepsEveryNthPixelOfEveryNthRow() {
        BufferedImage src = new BufferedImage(10, 7, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 7; y++) {
            for (int x = 0; x < 10; x++) {
                src.setRGB(x, y, (x * 20) << 16 | (y * 30) << 8 | 99);
            }
        }
        byte[] png = Image.fromBufferedImage(src).encodePng();
        assertThat(Image.decode(png, 70)).isEqualTo(Image.fromBufferedImage(src)); // at the budget: untouched
        Image half = Image.decode(png, 20); // ceil(10/2) * ceil(7/2) = 5 * 4 = 20
        assertThat(half.width()).isEqualTo(5);
        assertThat(half.height()).isEqualTo(4);
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 5; x++) {
                int i = (y * 5 + x) * 3;
                assertThat(half.rgb()[i] & 0xff).isEqualTo(2 * x * 20);
                assertThat(half.rgb()[i + 1] & 0xff).isEqualTo(2 * y * 30);
            }
        }
        assertThat(Image.subsampling(10, 7, 19)).isEqualTo(3);
        assertThat(Image.subsampling(8192, 8192, Image.DEFAULT_MAX_PIXELS)).isEqualTo(4);
        assertThat(Image.subsampling(1, 1, 1)).isEqualTo(1);
    }

    /** A valid RGB PNG of black pixels, written row by row so that the test itself allocates little. */
    static byte[] blackPng(int width, int height) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        byte[] header = pngHeaderOnly(width, height);
        out.write(header);
        ByteArrayOutputStream compressed = new ByteArrayOutputStream();
        java.util.zip.Deflater deflater = new java.util.zip.Deflater(9);
        try (java.util.zip.DeflaterOutputStream z = new java.util.zip.DeflaterOutputStream(compressed, deflater)) {
            byte[] row = new byte[1 + width * 3]; // filter type 0, then black pixels
            for (int y = 0; y < height; y++) {
                z.write(row);
            }
        }
        deflater.end();
        chunk(out, "IDAT", compressed.toByteArray());
        chunk(out, "IEND", new byte[0]);
        return bytes.toByteArray();
    }

    private static void chunk(DataOutputStream out, String type, byte[] data) throws IOException {
        out.writeInt(data.length);
        byte[] typed = new byte[4 + data.length];
        System.arraycopy(type.getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, typed, 0, 4);
        System.arraycopy(data, 0, typed, 4, data.length);
        out.write(typed);
        CRC32 crc = new CRC32();
        crc.update(typed);
        out.writeInt((int) crc.getValue());
    }

    /** A PNG signature and IHDR chunk (valid CRC) and nothing else: all a reader needs to learn the size. */
    static byte[] pngHeaderOnly(int width, int height) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        ByteArrayOutputStream chunk = new ByteArrayOutputStream();
        DataOutputStream c = new DataOutputStream(chunk);
        c.writeBytes("IHDR");
        c.writeInt(width);
        c.writeInt(height);
        c.writeByte(8); // bit depth
        c.writeByte(2); // colour type RGB
        c.writeByte(0);
        c.writeByte(0);
        c.writeByte(0);
        byte[] body = chunk.toByteArray();
        out.writeInt(body.length - 4);
        out.write(body);
        CRC32 crc = new CRC32();
        crc.update(body);
        out.writeInt((int) crc.getValue());
        return bytes.toByteArray();
    }
}
