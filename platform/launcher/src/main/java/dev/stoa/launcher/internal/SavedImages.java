package dev.stoa.launcher.internal;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * {@code stoa call ... --save out.png}: writes every PNG of an answer to a file and puts the file's name where the
 * base64 was, so the printed answer stays readable. An answer's images and masks are PNGs in base64 (a drawn image's
 * {@code "image"}, a segment's {@code "mask"}), anywhere in the JSON, in a list or not; they are found by their
 * bytes (the PNG signature), not by field name, so a new service's images are saved without a change here.
 *
 * <p>One PNG goes to the file named; several go to that name with {@code -1}, {@code -2}, ... before the extension,
 * in the order the answer holds them ({@code out-1.png}, {@code out-2.png}).
 */
final class SavedImages {

    /** The base64 of the PNG signature's first eight bytes, which every PNG starts with. */
    private static final String PNG_BASE64 = "iVBORw0KGgo";

    private static final String DATA_URL = "data:image/png;base64,";

    private SavedImages() {}

    /**
     * @param answer the answer, changed in place: each PNG's base64 becomes {@code "saved to <file> (<n> bytes)"}
     * @param target where to write (one PNG) or the pattern of the names (several)
     * @return the files written, in the answer's order; empty when the answer holds no PNG
     * @throws IOException when a file cannot be written
     */
    static List<Path> save(JsonElement answer, Path target) throws IOException {
        List<Found> found = new ArrayList<>();
        walk(answer, found);
        List<Path> written = new ArrayList<>();
        for (int i = 0; i < found.size(); i++) {
            Path file = found.size() == 1 ? target : numbered(target, i + 1);
            Files.write(file, found.get(i).png());
            found.get(i)
                    .replace()
                    .accept(new JsonPrimitive(
                            "saved to " + file + " (" + found.get(i).png().length + " bytes)"));
            written.add(file);
        }
        return written;
    }

    /** {@code out.png}, 2 -> {@code out-2.png}; {@code out} -> {@code out-2}. */
    static Path numbered(Path target, int n) {
        String name = target.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String numbered = dot > 0 ? name.substring(0, dot) + "-" + n + name.substring(dot) : name + "-" + n;
        return target.resolveSibling(numbered);
    }

    private record Found(byte[] png, Consumer<JsonElement> replace) {}

    private static void walk(JsonElement e, List<Found> found) {
        if (e.isJsonObject()) {
            JsonObject o = e.getAsJsonObject();
            for (Map.Entry<String, JsonElement> field : List.copyOf(o.entrySet())) {
                byte[] png = png(field.getValue());
                if (png != null) {
                    found.add(new Found(png, v -> o.add(field.getKey(), v)));
                } else {
                    walk(field.getValue(), found);
                }
            }
        } else if (e.isJsonArray()) {
            JsonArray a = e.getAsJsonArray();
            for (int i = 0; i < a.size(); i++) {
                byte[] png = png(a.get(i));
                int index = i;
                if (png != null) {
                    found.add(new Found(png, v -> a.set(index, v)));
                } else {
                    walk(a.get(i), found);
                }
            }
        }
    }

    /** @return the PNG's bytes when the value is the base64 of a PNG (or a {@code data:} URL of one), else null */
    private static byte[] png(JsonElement value) {
        if (!value.isJsonPrimitive() || !value.getAsJsonPrimitive().isString()) {
            return null;
        }
        String s = value.getAsString();
        if (s.startsWith(DATA_URL)) {
            s = s.substring(DATA_URL.length());
        }
        if (!s.startsWith(PNG_BASE64)) {
            return null;
        }
        try {
            return Base64.getDecoder().decode(s);
        } catch (IllegalArgumentException notBase64) {
            return null;
        }
    }
}
