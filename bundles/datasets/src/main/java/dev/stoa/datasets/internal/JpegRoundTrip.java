package dev.stoa.datasets.internal;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageInputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * A JPEG round trip in memory with the JDK's codec (baseline, 4:2:0 chroma): the blocks, ringing and washed colour
 * edges of a saved photo. One per canvas, used by one thread at a time: finding and creating the codec cost five
 * times the round trip itself at 32x32, so the writer, reader and image are kept from image to image.
 */
final class JpegRoundTrip {

    private final int side;
    private final BufferedImage image;
    private final ImageWriter writer;
    private final ImageReader reader;
    private final ImageWriteParam param;
    private final ByteArrayOutputStream bytes;

    /** @param side image side */
    JpegRoundTrip(int side) {
        this.side = side;
        this.image = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
        this.writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        this.reader = ImageIO.getImageReadersByFormatName("jpeg").next();
        this.param = writer.getDefaultWriteParam();
        param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        this.bytes = new ByteArrayOutputStream(side * side);
    }

    /**
     * @param px pixels, {@code side * side}
     * @param quality 1-100
     * @return the decoded pixels
     */
    int[] apply(int[] px, int quality) {
        System.arraycopy(px, 0, ((DataBufferInt) image.getRaster().getDataBuffer()).getData(), 0, px.length);
        bytes.reset();
        try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            param.setCompressionQuality(quality / 100f);
            writer.setOutput(out);
            writer.write(null, new IIOImage(image, null, null), param);
        } catch (IOException e) {
            throw new UncheckedIOException("JPEG round trip of a rendered image failed", e);
        }
        try (MemoryCacheImageInputStream in =
                new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            reader.setInput(in, true, true);
            BufferedImage back = reader.read(0);
            int[] out = new int[side * side];
            back.getRGB(0, 0, side, side, out, 0, side);
            for (int i = 0; i < out.length; i++) {
                out[i] &= 0xFFFFFF;
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("JPEG round trip of a rendered image failed", e);
        }
    }
}
