package dev.stoa.datasets.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The regular files of a tar archive and where their bytes start, read from the headers alone, so any file can then
 * be read by offset. Understands POSIX ustar (name prefix), GNU long names ({@code L}) and pax headers ({@code x}:
 * {@code path}, {@code size}); sizes in octal or GNU base-256. An archive that ends early or has a header with a bad
 * checksum keeps the entries before it and says so in {@link #problem()}.
 *
 * @param entries the regular files, in archive order
 * @param problem why reading stopped before the end-of-archive marker, or null
 */
record TarIndex(List<Entry> entries, String problem) {

    static final int BLOCK = 512;

    /**
     * @param name the path inside the archive
     * @param offset where its bytes start, from the start of the archive
     * @param size its length in bytes
     */
    record Entry(String name, long offset, long size) {}

    /**
     * @param channel the archive, read with positional reads only (the channel's position is not used)
     * @return the index
     * @throws IOException if the file cannot be read at all
     */
    static TarIndex read(FileChannel channel) throws IOException {
        List<Entry> entries = new ArrayList<>();
        long length = channel.size();
        long pos = 0;
        String longName = null;
        String paxPath = null;
        long paxSize = -1;
        byte[] h = new byte[BLOCK];
        while (true) {
            if (pos + BLOCK > length) {
                return new TarIndex(
                        entries,
                        pos == length ? "it has no end-of-archive marker" : "it ends inside a header at byte " + pos);
            }
            readFully(channel, ByteBuffer.wrap(h), pos);
            if (allZero(h)) {
                return new TarIndex(entries, null);
            }
            if (!checksumMatches(h)) {
                return new TarIndex(entries, "the header at byte " + pos + " has a bad checksum");
            }
            long size = paxSize >= 0 ? paxSize : number(h, 124, 12);
            char type = (char) h[156];
            long data = pos + BLOCK;
            if (size < 0 || data + size > length) {
                return new TarIndex(entries, "the entry at byte " + pos + " says " + size + " bytes, past the end");
            }
            switch (type) {
                case 'L' -> longName = cString(bytes(channel, data, size), 0, (int) size);
                case 'x' -> {
                    String[] pax = pax(bytes(channel, data, size));
                    paxPath = pax[0];
                    paxSize = pax[1] == null ? -1 : Long.parseLong(pax[1]);
                }
                default -> {
                    if (type == '0' || type == 0 || type == '7') {
                        String name = paxPath != null ? paxPath : longName != null ? longName : name(h);
                        entries.add(new Entry(name, data, size));
                    }
                    longName = null;
                    paxPath = null;
                    paxSize = -1;
                }
            }
            pos = data + (size + BLOCK - 1) / BLOCK * BLOCK;
        }
    }

    /**
     * @param channel the archive
     * @param entry one of its entries
     * @return the entry's bytes
     */
    static byte[] bytes(FileChannel channel, Entry entry) throws IOException {
        return bytes(channel, entry.offset(), entry.size());
    }

    private static byte[] bytes(FileChannel channel, long offset, long size) throws IOException {
        if (size > Integer.MAX_VALUE - 8) {
            throw new IOException("entry of " + size + " bytes is too large to read into memory");
        }
        byte[] b = new byte[(int) size];
        readFully(channel, ByteBuffer.wrap(b), offset);
        return b;
    }

    private static void readFully(FileChannel channel, ByteBuffer buf, long pos) throws IOException {
        long p = pos;
        while (buf.hasRemaining()) {
            int n = channel.read(buf, p);
            if (n < 0) {
                throw new IOException("unexpected end of file at byte " + p);
            }
            p += n;
        }
    }

    private static String name(byte[] h) {
        String name = cString(h, 0, 100);
        boolean ustar = h[257] == 'u' && h[258] == 's' && h[259] == 't' && h[260] == 'a' && h[261] == 'r';
        String prefix = ustar ? cString(h, 345, 155) : "";
        return prefix.isEmpty() ? name : prefix + "/" + name;
    }

    private static String cString(byte[] b, int from, int max) {
        int end = from;
        while (end < from + max && b[end] != 0) {
            end++;
        }
        return new String(b, from, end - from, StandardCharsets.UTF_8);
    }

    /** An octal field, or a GNU base-256 one when its first byte has the high bit set. */
    private static long number(byte[] h, int from, int len) {
        if ((h[from] & 0x80) != 0) {
            long v = h[from] & 0x7f;
            for (int i = from + 1; i < from + len; i++) {
                v = v << 8 | (h[i] & 0xff);
            }
            return v;
        }
        long v = 0;
        for (int i = from; i < from + len; i++) {
            byte c = h[i];
            if (c >= '0' && c <= '7') {
                v = v * 8 + (c - '0');
            } else if (c != ' ' && c != 0) {
                return -1;
            } else if (v > 0 && c == 0) {
                break;
            }
        }
        return v;
    }

    /** The header checksum: the byte sum with the checksum field itself counted as spaces (POSIX; some write signed). */
    private static boolean checksumMatches(byte[] h) {
        long stored = number(h, 148, 8);
        long unsigned = 0;
        long signed = 0;
        for (int i = 0; i < BLOCK; i++) {
            int b = i >= 148 && i < 156 ? ' ' : h[i];
            unsigned += b & 0xff;
            signed += i >= 148 && i < 156 ? ' ' : h[i];
        }
        return stored == unsigned || stored == signed;
    }

    private static boolean allZero(byte[] h) {
        for (byte b : h) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    /** @return {path, size} from pax records "LEN key=value\n", either null when absent */
    private static String[] pax(byte[] records) {
        String[] out = new String[2];
        String text = new String(records, StandardCharsets.UTF_8);
        for (String rec : text.split("\n")) {
            int space = rec.indexOf(' ');
            int eq = rec.indexOf('=');
            if (space < 0 || eq < space) {
                continue;
            }
            String key = rec.substring(space + 1, eq);
            String value = rec.substring(eq + 1);
            if (key.equals("path")) {
                out[0] = value;
            } else if (key.equals("size")) {
                out[1] = value;
            }
        }
        return out;
    }
}
