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
