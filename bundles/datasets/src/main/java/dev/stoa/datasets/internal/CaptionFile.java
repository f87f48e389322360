package dev.stoa.datasets.internal;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A folder's captions file, one example a line: JSONL ({@code {"image": "a.png", "caption": "..."}}, or
 * {@code "captions": [...]}, optional {@code "label"} and {@code "split"}) or, for a {@code .tsv} file,
 * {@code image<TAB>caption[<TAB>label]} with an optional {@code image<TAB>caption} header. Blank lines are ignored.
 * A malformed line fails the whole open with {@link FailureCode#BAD_CONFIG} naming {@code file:line}: a captions
 * file is written by a tool, and a broken line means the tool or the file is wrong, which a silent skip would hide.
 */
final class CaptionFile {

    /**
     * One line.
     *
     * @param line its line number, from 1
     * @param image the image path as written, relative to the folder
     * @param captions one or more captions
     * @param label the label, or null
     * @param split the split the line names, or null
     */
    record Line(int line, String image, List<String> captions, String label, String split) {}

    private CaptionFile() {}

    /**
     * @param file the captions file
     * @return its lines
     * @throws StoaException BAD_CONFIG naming {@code file:line} for the first malformed line
     */
    static List<Line> read(Path file) {
        boolean tsv = file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".tsv");
        List<Line> lines = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String text;
            int n = 0;
            while ((text = in.readLine()) != null) {
                n++;
                if (text.isBlank()
                        || (tsv && n == 1 && text.toLowerCase(Locale.ROOT).startsWith("image\tcaption"))) {
                    continue;
                }
                try {
                    lines.add(tsv ? tsv(n, text) : jsonl(n, text));
                } catch (IllegalArgumentException | IOException e) {
                    throw new StoaException(
                            FailureCode.BAD_CONFIG,
                            file + ":" + n + ": " + e.getMessage() + "; "
                                    + (tsv
                                            ? "write image<TAB>caption[<TAB>label]"
                                            : "write {\"image\": \"a.png\", \"caption\": \"...\"}"),
                            e);
                }
            }
        } catch (IOException e) {
            throw new StoaException(
                    FailureCode.BAD_CONFIG,
                    "captions file " + file + " cannot be read (" + e
                            + "); check its permissions and that it is UTF-8 text",
                    e);
        }
        return lines;
    }

    private static Line tsv(int n, String text) {
        String[] cols = text.split("\t", -1);
        if (cols.length < 2 || cols.length > 3 || cols[0].isBlank() || cols[1].isBlank()) {
            throw new IllegalArgumentException(
                    "has " + cols.length + " tab-separated column(s) " + "or an empty image or caption");
        }
        String label = cols.length == 3 && !cols[2].isBlank() ? cols[2].strip() : null;
        return new Line(n, cols[0].strip(), List.of(cols[1].strip()), label, null);
    }

    private static Line jsonl(int n, String text) throws IOException {
        Object value;
        try {
            value = JsonValues.parse(text);
        } catch (IOException e) {
            throw new IOException("is not JSON (" + firstLine(e.getMessage()) + ")", e);
        }
        if (!(value instanceof Map<?, ?> record)) {
            throw new IllegalArgumentException("is not a JSON object");
        }
        String image = JsonValues.text(record, "image");
        if (image == null || image.isBlank()) {
            throw new IllegalArgumentException("has no 'image'");
        }
        List<String> captions = JsonValues.captions(record);
        if (captions.isEmpty()) {
            throw new IllegalArgumentException("has no 'caption' or 'captions'");
        }
        return new Line(n, image.strip(), captions, JsonValues.text(record, "label"), JsonValues.text(record, "split"));
    }

    private static String firstLine(String s) {
        int nl = s == null ? -1 : s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
