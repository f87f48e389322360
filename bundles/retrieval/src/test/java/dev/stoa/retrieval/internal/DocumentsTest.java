package dev.stoa.retrieval.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoa.api.vector.VectorHit;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DocumentsTest {

    @Test
    void hitsAreGroupedBySourceKeepingEachSourcesBestInOrder() {
        List<VectorHit> hits = List.of(
                new VectorHit("a#1", 0.9, Map.of("source", "a", "text", "best line of a", "line", "1", "lang", "en")),
                new VectorHit("b#0", 0.8, Map.of("source", "b", "text", "b's line", "line", "0")),
                new VectorHit("a#0", 0.7, Map.of("source", "a", "text", "other line of a", "line", "0")),
                new VectorHit("c", 0.6, Map.of()));

        JsonArray out = Documents.bestPerSource(hits, 10);

        assertThat(out.size()).isEqualTo(3);
        JsonObject first = out.getJsonObject(0);
        assertThat(first.getString("id")).isEqualTo("a");
        assertThat(first.getDouble("score")).isEqualTo(0.9);
        assertThat(first.getString("text")).isEqualTo("best line of a");
        // retrieval's own entries stay internal; the caller's metadata comes back
        assertThat(first.getJsonObject("metadata").getMap()).containsExactly(Map.entry("lang", "en"));
        assertThat(out.getJsonObject(1).getString("id")).isEqualTo("b");
        // a document stored without retrieval's entries is its own source
        assertThat(out.getJsonObject(2).getString("id")).isEqualTo("c");
        assertThat(out.getJsonObject(2).containsKey("text")).isFalse();
        assertThat(Documents.bestPerSource(hits, 1).size()).isEqualTo(1);
    }

    @Test
    void linesComeAsStringsOrAsAnOcrAnswersLineObjects() {
        JsonObject ocr = new JsonObject()
                .put(
                        "lines",
                        new JsonArray()
                                .add(new JsonObject().put("text", "first").put("confidence", 0.9))
                                .add(new JsonObject().put("text", "  "))
                                .add("third"));
        assertThat(Documents.lines(ocr)).containsExactly("first", "third");
        assertThatThrownBy(() -> Documents.lines(new JsonObject().put("lines", new JsonArray().add(3))))
                .hasMessageStartingWith("'lines[0]'");
        assertThatThrownBy(() -> Documents.lines(new JsonObject().put("lines", "one line")))
                .hasMessageStartingWith("'lines'");
    }

    @Test
    void callersMayNotSetTheKeysRetrievalKeepsForItself() {
        assertThat(Documents.metadata(new JsonObject().put("metadata", new JsonObject().put("lang", "en"))))
                .containsExactly(Map.entry("lang", "en"));
        assertThatThrownBy(() ->
                        Documents.metadata(new JsonObject().put("metadata", new JsonObject().put("source", "x"))))
                .hasMessageStartingWith("'metadata.source'");
        assertThatThrownBy(() ->
                        Documents.metadata(new JsonObject().put("metadata", new JsonObject().put("year", 2024))))
                .hasMessageStartingWith("'year'");
    }

    @Test
    void storedMetadataNamesTheSourceAndTheLine() {
        assertThat(Documents.stored("img-1", Map.of("lang", "en"), "Invoice", 2))
                .containsExactlyInAnyOrderEntriesOf(
                        Map.of("lang", "en", "source", "img-1", "text", "Invoice", "line", "2"));
        assertThat(Documents.stored("img-1", Map.of(), null, null)).containsExactly(Map.entry("source", "img-1"));
    }
}
