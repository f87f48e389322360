package dev.stoa.datasets.internal;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.stoa.api.data.Image;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.slf4j.LoggerFactory;

/** Files the dataset tests write: small images, a minimal tar writer, and a log capture. */
final class TestFiles {

    private TestFiles() {}

    /** @return a {@code w x h} image whose pixels depend on {@code seed}, so two images differ */
    static Image image(int w, int h, int seed) {
        byte[] rgb = new byte[w * h * 3];
        for (int i = 0; i < rgb.length; i++) {
            rgb[i] = (byte) (i * 7 + seed * 31);
        }
        return new Image(w, h, rgb);
    }

    /** @return bytes that no image decoder accepts: a PNG signature followed by noise */
    static byte[] corruptPng() {
        byte[] b = new byte[200];
        Arrays.fill(b, (byte) 0x5A);
        byte[] sig = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
        System.arraycopy(sig, 0, b, 0, sig.length);
        return b;
    }

    static void write(Path file, String text) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }

    /**
     * Writes tar archives as POSIX ustar does: a 512-byte header per file (octal fields, checksum), data padded to
     * 512 bytes, two zero blocks at the end. Names over 100 bytes get a pax {@code path} record first.
     */
    static final class TarWriter implements AutoCloseable {

        private final OutputStream out;

        TarWriter(Path file) throws IOException {
            this.out = Files.newOutputStream(file);
        }

        TarWriter add(String name, byte[] data) throws IOException {
            if (name.getBytes(StandardCharsets.UTF_8).length > 100) {
                // a pax record is "LEN path=NAME\n", LEN counting its own digits
                String rec = " path=" + name + "\n";
                int len = rec.length() + Integer.toString(rec.length()).length();
                if (Integer.toString(len).length()
                        > Integer.toString(rec.length()).length()) {
                    len++;
                }
                String record = len + rec;
                header("PaxHeaders/x", record.getBytes(StandardCharsets.UTF_8).length, 'x');
                body(record.getBytes(StandardCharsets.UTF_8));
                header(name.substring(name.length() - 90), data.length, '0');
            } else {
                header(name, data.length, '0');
            }
            body(data);
            return this;
        }

        TarWriter add(String name, String text) throws IOException {
            return add(name, text.getBytes(StandardCharsets.UTF_8));
        }

        private void header(String name, long size, char type) throws IOException {
            byte[] h = new byte[512];
            put(h, 0, name);
            put(h, 100, "0000644\0");
            put(h, 108, "0001750\0");
            put(h, 116, "0001750\0");
            put(h, 124, String.format("%011o\0", size));
            put(h, 136, String.format("%011o\0", 1_700_000_000L));
            put(h, 148, "        ");
            h[156] = (byte) type;
            put(h, 257, "ustar\0");
            put(h, 263, "00");
            long sum = 0;
            for (byte b : h) {
                sum += b & 0xff;
            }
            put(h, 148, String.format("%06o\0 ", sum));
            out.write(h);
        }

        private void body(byte[] data) throws IOException {
            out.write(data);
            out.write(new byte[(512 - data.length % 512) % 512]);
        }

        private static void put(byte[] h, int at, String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            System.arraycopy(b, 0, h, at, b.length);
        }

        @Override
        public void close() throws IOException {
            out.write(new byte[1024]);
            out.close();
        }
    }

    /** Captures what a class logs, through logback, the slf4j backend of the tests. */
    static final class LogCapture implements AutoCloseable {

        private final Logger logger;
        private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

        LogCapture(Class<?> type) {
            logger = (Logger) LoggerFactory.getLogger(type);
            appender.start();
            logger.addAppender(appender);
        }

        /** @return how many logged messages contain the text */
        long count(String text) {
            return appender.list.stream()
                    .filter(e -> e.getFormattedMessage().contains(text))
                    .count();
        }

        @Override
        public void close() {
            logger.detachAppender(appender);
        }
    }

    static byte[] png(Image image) {
        return image.encodePng();
    }

    static byte[] jpegLike(Image image) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image.toBufferedImage(), "jpg", out);
        return out.toByteArray();
    }
}
