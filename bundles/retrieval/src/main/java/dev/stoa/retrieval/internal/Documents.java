package dev.stoa.retrieval.internal;

import dev.stoa.api.StoaException;
import dev.stoa.api.vector.VectorChecks;
import dev.stoa.api.vector.VectorHit;
import dev.stoa.vertx.RequestFields;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How retrieval lays documents out in a vector collection, and reads them back. A source (a text, an image) is
 * stored as one vector document with id {@code <id>}, or, when it comes as lines (the text OCR read in an image), as
 * one document per line with id {@code <id>#<n>}. Every document carries the metadata the caller gave plus three
 * entries of its own: {@value #SOURCE} (the source's id, so a source's lines can be replaced and hits grouped),
 * {@value #TEXT} (the text embedded, if any) and {@value #LINE} (the line's index).
 */
final class Documents {

    static final String SOURCE = "source";
    static final String TEXT = "text";
    static final String LINE = "line";
    private static final Set<String> RESERVED = Set.of(SOURCE, TEXT, LINE);

    private Documents() {}

    /**
     * @param request an index request
     * @return its {@code metadata}, checked, without the keys retrieval keeps for itself
     */
    static Map<String, String> metadata(JsonObject request) {
        Map<String, String> metadata = VectorChecks.metadata(RequestFields.strings(request, "metadata"), "metadata");
        for (String key : metadata.keySet()) {
            if (RESERVED.contains(key)) {
                throw StoaException.badInput(
                        "metadata." + key, "is set by retrieval itself (" + RESERVED + "); use another key");
            }
        }
        return metadata;
    }

    /**
     * @param request an index request with {@code lines}: strings, or objects with {@code text} (an OCR answer's
     *     lines)
     * @return the lines' texts, blank ones dropped
     */
    static List<String> lines(JsonObject request) {
        if (!(request.getValue("lines") instanceof JsonArray array)) {
            throw StoaException.badInput(
                    "lines",
                    "must be an array of strings or of {\"text\": ...} objects (the" + " lines of an OCR answer)");
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            Object item = array.getValue(i);
            String text = item instanceof String s
                    ? s
                    : item instanceof JsonObject o && o.getValue(TEXT) instanceof String s ? s : null;
            if (text == null) {
                throw StoaException.badInput("lines[" + i + "]", "must be a string or an object with 'text'");
            }
            if (!text.isBlank()) {
                out.add(text);
            }
        }
        return out;
    }

    /** @return the metadata stored with a document of {@code source} */
    static Map<String, String> stored(String source, Map<String, String> metadata, String text, Integer line) {
        Map<String, String> out = new LinkedHashMap<>(metadata);
        out.put(SOURCE, source);
        if (text != null) {
            out.put(
                    TEXT,
                    text.length() > VectorChecks.MAX_METADATA_VALUE
                            ? text.substring(0, VectorChecks.MAX_METADATA_VALUE)
                            : text);
        }
        if (line != null) {
            out.put(LINE, line.toString());
        }
        return out;
    }

    /**
     * Turns document hits into source hits: the best hit of each source, best first, at most {@code k}.
     *
     * @param hits a query's hits, best first
     * @param k how many sources at most
     * @return {@code [{"id": source, "score": s, "text": the best matching text (if any), "metadata": {...}}]}
     */
    static JsonArray bestPerSource(List<VectorHit> hits, int k) {
        Set<String> seen = new LinkedHashSet<>();
        JsonArray out = new JsonArray();
        for (VectorHit h : hits) {
            String source = h.metadata().getOrDefault(SOURCE, h.id());
            if (out.size() == k || !seen.add(source)) {
                continue;
            }
            JsonObject metadata = new JsonObject();
            h.metadata().forEach((key, value) -> {
                if (!RESERVED.contains(key)) {
                    metadata.put(key, value);
                }
            });
            JsonObject hit = new JsonObject().put("id", source).put("score", h.score());
            if (h.metadata().containsKey(TEXT)) {
                hit.put(TEXT, h.metadata().get(TEXT));
            }
            out.add(hit.put("metadata", metadata));
        }
        return out;
    }
}
