package dev.stoa.nn.decode;

import dev.stoa.api.generation.TokenListener;
import dev.stoa.nn.text.TextCodec;
import java.util.Arrays;
import java.util.List;

/**
 * Turns generated ids into text pieces for a {@link TokenListener}: each piece is handed over once, when it can no
 * longer change. Held back are a trailing incomplete UTF-8 character (decoded as U+FFFD until its last byte comes) and
 * a tail that could still grow into a stop sequence, which is never part of the text.
 */
final class TextEmitter {

    private final TextCodec codec;
    private final List<String> stops;
    private final TokenListener listener;
    private long[] ids = new long[16];
    private int count;
    private String emitted = "";
    private String text = "";
    private boolean stopped;

    TextEmitter(TextCodec codec, List<String> stops, TokenListener listener) {
        this.codec = codec;
        this.stops = stops;
        this.listener = listener;
    }

    /**
     * Adds a token and hands over what became final.
     *
     * @return whether a stop sequence was reached (the text is then cut before it and complete)
     */
    boolean add(long id) {
        if (count == ids.length) {
            ids = Arrays.copyOf(ids, count * 2);
        }
        ids[count++] = id;
        text = codec.toText(Arrays.copyOf(ids, count));
        int cut = firstStop(text, stops);
        if (cut >= 0) {
            text = text.substring(0, cut);
            stopped = true;
            flush();
            return true;
        }
        int safe = text.length() - heldBack(text);
        if (safe > emitted.length() && text.startsWith(emitted)) {
            emit(text.substring(emitted.length(), safe));
        }
        return false;
    }

    /** Hands over the rest of the text; call once, when decoding ends. */
    void flush() {
        if (text.length() > emitted.length() && text.startsWith(emitted)) {
            emit(text.substring(emitted.length()));
        }
    }

    String text() {
        return text;
    }

    boolean stopped() {
        return stopped;
    }

    long[] tokens() {
        return Arrays.copyOf(ids, count);
    }

    private void emit(String piece) {
        emitted = emitted + piece;
        listener.onToken(piece);
    }

    private int heldBack(String s) {
        int held = 0;
        while (held < s.length() && s.charAt(s.length() - 1 - held) == '\uFFFD') {
            held++;
        }
        String settled = s.substring(0, s.length() - held);
        int longest = 0;
        for (String stop : stops) {
            for (int n = Math.min(stop.length() - 1, settled.length()); n > longest; n--) {
                if (settled.endsWith(stop.substring(0, n))) {
                    longest = n;
                    break;
                }
            }
        }
        return held + longest;
    }

    /** @return where the earliest stop sequence starts in {@code s}, or -1 */
    static int firstStop(String s, List<String> stops) {
        int first = -1;
        for (String stop : stops) {
            int at = s.indexOf(stop);
            if (at >= 0 && (first < 0 || at < first)) {
                first = at;
            }
        }
        return first;
    }
}
