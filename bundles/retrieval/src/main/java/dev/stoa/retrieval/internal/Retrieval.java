package dev.stoa.retrieval.internal;

import dev.stoa.api.StoaException;
import dev.stoa.api.data.Embedding;
import dev.stoa.api.data.Image;
import dev.stoa.api.data.RecognizedText;
import dev.stoa.api.data.Text;
import dev.stoa.api.data.TextLine;
import dev.stoa.api.vector.VectorChecks;
import dev.stoa.api.vector.VectorDocument;
import dev.stoa.api.vector.VectorHit;
import dev.stoa.api.vector.VectorMetric;
import dev.stoa.api.vector.VectorStore;
import dev.stoa.api.vector.VectorStores;
import dev.stoa.vertx.Payloads;
import dev.stoa.vertx.RequestFields;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * Index and search for one collection, asynchronous end to end: the encoders and the OCR service are called over the
 * bus without holding a thread, and only the index work runs on a worker thread.
 *
 * <p>Index request: {@code {"id": "doc-1", "metadata": {"lang": "en"}}} plus one of {@code "text": "..."} (one
 * document), {@code "lines": ["...", ...]} or an OCR answer's {@code "lines": [{"text": ...}, ...]} (one document
 * per line, replacing the source's earlier lines), or {@code "image": "<base64 PNG/JPEG>"} (embedded by the
 * {@code imageEncoder}, or read by the {@code recognizer} into lines). Answer: {@code {"id": "doc-1", "indexed": n,
 * "size": documents in the collection}}.
 *
 * <p>Search request: {@code {"text": "...", "k": 10, "filter": {"lang": "en"}}} ({@code k} and {@code filter}
 * optional). Answer: {@code {"hits": [{"id": source id, "score": cosine, "text": best matching text, "metadata":
 * {...}}, ...]}}, best first, one hit per source: an image found by two of its lines is listed once, with its best.
 */
final class Retrieval {

    /**
     * Document hits asked for per source hit wanted: a source with several matching lines takes several document
     * hits, and the answer should still hold {@code k} distinct sources.
     */
    static final int OVERSAMPLE = 4;

    /** A collection's settings, checked. */
    record Settings(
            String collection,
            String textEncoder,
            String imageEncoder,
            String recognizer,
            VectorMetric metric,
            int k) {}

    private final Vertx vertx;
    private final ServiceCalls calls;
    private final VectorStores stores;
    private final Settings settings;

    Retrieval(Vertx vertx, ServiceCalls calls, VectorStores stores, Settings settings) {
        this.vertx = vertx;
        this.calls = calls;
        this.stores = stores;
        this.settings = settings;
    }

    Future<JsonObject> index(JsonObject request) {
        String id = VectorChecks.id(RequestFields.string(request, "id"));
        Map<String, String> metadata = Documents.metadata(request);
        if (request.getValue("text") != null) {
            String text = RequestFields.string(request, "text");
            return embedText(text)
                    .compose(e -> blocking(() -> {
                        VectorStore store = stores.open(settings.collection(), e.dimension(), settings.metric());
                        store.upsert(id, e.vector(), Documents.stored(id, metadata, text, null));
                        return answer(id, 1, store);
                    }));
        }
        if (request.getValue("lines") != null) {
            return indexLines(id, metadata, Documents.lines(request));
        }
        if (request.getValue("image") != null) {
            Image image = Payloads.fromJson(request, Image.class);
            if (!settings.imageEncoder().isEmpty()) {
                return calls.call("imageEncoder", settings.imageEncoder(), image, Embedding.class)
                        .compose(e -> blocking(() -> {
                            VectorStore store = stores.open(settings.collection(), e.dimension(), settings.metric());
                            store.upsert(id, e.vector(), Documents.stored(id, metadata, null, null));
                            return answer(id, 1, store);
                        }));
            }
            if (!settings.recognizer().isEmpty()) {
                return calls.call("recognizer", settings.recognizer(), image, RecognizedText.class)
                        .compose(read -> indexLines(
                                id,
                                metadata,
                                read.lines().stream()
                                        .map(TextLine::text)
                                        .filter(t -> !t.isBlank())
                                        .toList()));
            }
            throw StoaException.badInput(
                    "image",
                    "collection '" + settings.collection() + "' has neither an"
                            + " imageEncoder nor a recognizer (etc/dev.stoa.retrieval-*.cfg); send 'text' or 'lines', or"
                            + " configure one");
        }
        throw StoaException.badInput("text", "is missing; send 'text', 'lines' or 'image' to index");
    }

    /** Embeds every line, then replaces the source's documents with one per line. */
    private Future<JsonObject> indexLines(String id, Map<String, String> metadata, List<String> lines) {
        List<Future<Embedding>> embedded = new ArrayList<>();
        for (String line : lines) {
            embedded.add(embedText(line));
        }
        return Future.all(embedded)
                .compose(all -> blocking(() -> {
                    Optional<VectorStore> existing = lines.isEmpty()
                            ? stores.find(settings.collection())
                            : Optional.of(stores.open(
                                    settings.collection(),
                                    embedded.get(0).result().dimension(),
                                    settings.metric()));
                    if (existing.isEmpty()) {
                        return new JsonObject().put("id", id).put("indexed", 0).put("size", 0);
                    }
                    VectorStore store = existing.get();
                    store.deleteMatching(Map.of(Documents.SOURCE, id));
                    List<VectorDocument> docs = new ArrayList<>();
                    for (int i = 0; i < lines.size(); i++) {
                        docs.add(new VectorDocument(
                                id + "#" + i,
                                embedded.get(i).result().vector(),
                                Documents.stored(id, metadata, lines.get(i), i)));
                    }
                    store.upsertAll(docs);
                    return answer(id, docs.size(), store);
                }));
    }

    Future<JsonObject> search(JsonObject request) {
        String text = RequestFields.string(request, "text");
        int k = VectorChecks.k(RequestFields.integer(request, "k", settings.k()));
        Map<String, String> filter = VectorChecks.metadata(RequestFields.strings(request, "filter"), "filter");
        return embedText(text)
                .compose(e -> blocking(() -> {
                    Optional<VectorStore> store = stores.find(settings.collection());
                    JsonArray hits = new JsonArray();
                    if (store.isPresent()) {
                        List<VectorHit> found =
                                store.get().query(e.vector(), Math.min(VectorChecks.MAX_K, k * OVERSAMPLE), filter);
                        hits = Documents.bestPerSource(found, k);
                    }
                    return new JsonObject().put("hits", hits);
                }));
    }

    private Future<Embedding> embedText(String text) {
        return calls.call("textEncoder", settings.textEncoder(), new Text(text), Embedding.class);
    }

    private <T> Future<T> blocking(Callable<T> work) {
        return vertx.executeBlocking(work, false);
    }

    private static JsonObject answer(String id, int indexed, VectorStore store) {
        return new JsonObject().put("id", id).put("indexed", indexed).put("size", store.size());
    }
}
