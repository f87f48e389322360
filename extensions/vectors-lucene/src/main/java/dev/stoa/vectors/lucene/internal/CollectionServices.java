package dev.stoa.vectors.lucene.internal;

import dev.stoa.api.ServiceKind;
import dev.stoa.api.ServiceProperties;
import dev.stoa.api.StoaException;
import dev.stoa.api.StoaService;
import dev.stoa.api.vector.VectorDocument;
import dev.stoa.api.vector.VectorHit;
import dev.stoa.api.vector.VectorStore;
import dev.stoa.vertx.JsonService;
import dev.stoa.vertx.RequestFields;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.function.Function;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

/**
 * A collection on the event bus: four {@link StoaService}s of kind {@code store}, JSON in and out.
 *
 * <table>
 *   <caption>services per collection {@code <name>}</caption>
 *   <tr><th>{@code stoa.id}</th><th>request</th><th>answer</th></tr>
 *   <tr><td>{@code vectors.<name>.upsert}</td><td>{@code {"id": "a", "embedding": [..D floats], "metadata":
 *       {"lang": "en"}}} or {@code {"documents": [{...}, ...]}}</td><td>{@code {"upserted": 1, "size": 42}}</td></tr>
 *   <tr><td>{@code vectors.<name>.query}</td><td>{@code {"embedding": [..D floats], "k": 10, "filter":
 *       {"lang": "en"}}}; {@code k} (default 10) and {@code filter} optional</td><td>{@code {"hits": [{"id": "a",
 *       "score": 0.93, "metadata": {...}}, ...]}}, best first</td></tr>
 *   <tr><td>{@code vectors.<name>.delete}</td><td>{@code {"id": "a"}} or {@code {"filter": {"source": "x"}}}</td>
 *       <td>{@code {"deleted": 1, "size": 41}}</td></tr>
 *   <tr><td>{@code vectors.<name>.optimize}</td><td>{@code {}}: after a bulk load, {@link VectorStore#optimize}
 *       (minutes for 100k vectors; its call timeout is an hour)</td><td>{@code {"size": 41, "seconds": 95.2}}</td></tr>
 * </table>
 *
 * <p>The vector is read from {@code embedding}, the field an encoder's answer has, so a pipeline can pass an
 * encoder's output straight to a query.
 */
final class CollectionServices {

    /** Hits a query returns when the request names no {@code k}. */
    static final int DEFAULT_K = 10;

    /** The optimize service's call timeout: an hour. */
    static final long OPTIMIZE_TIMEOUT_MS = 3_600_000L;

    private final List<ServiceRegistration<?>> registrations = new ArrayList<>();

    CollectionServices(BundleContext context, VectorStore store) {
        register(context, store, "upsert", json -> upsert(store, json));
        register(context, store, "query", json -> query(store, json));
        register(context, store, "delete", json -> delete(store, json));
        register(context, store, "optimize", json -> optimize(store));
    }

    private static JsonObject optimize(VectorStore store) {
        long started = System.nanoTime();
        store.optimize();
        return new JsonObject()
                .put("size", store.size())
                .put("seconds", Math.round((System.nanoTime() - started) / 1e7) / 100.0);
    }

    /** @return the id of a collection's service, {@code vectors.<collection>.<operation>} */
    static String id(String collection, String operation) {
        return "vectors." + collection + "." + operation;
    }

    void unregister() {
        for (ServiceRegistration<?> r : registrations) {
            try {
                r.unregister();
            } catch (IllegalStateException alreadyGone) {
                // the framework unregisters a stopping bundle's services itself
            }
        }
        registrations.clear();
    }

    static JsonObject upsert(VectorStore store, JsonObject request) {
        List<VectorDocument> documents = new ArrayList<>();
        if (request.getValue("documents") != null) {
            if (!(request.getValue("documents") instanceof JsonArray array) || array.isEmpty()) {
                throw StoaException.badInput(
                        "documents", "must be a non-empty array of {\"id\", \"embedding\"," + " \"metadata\"} objects");
            }
            for (int i = 0; i < array.size(); i++) {
                if (!(array.getValue(i) instanceof JsonObject d)) {
                    throw StoaException.badInput("documents[" + i + "]", "must be an object with id and embedding");
                }
                try {
                    documents.add(document(d));
                } catch (StoaException e) {
                    throw new StoaException(
                            e.code(), "'documents[" + i + "]." + e.getMessage().substring(1), e);
                }
            }
        } else {
            documents.add(document(request));
        }
        try {
            store.upsertAll(documents);
        } catch (StoaException e) {
            throw asEmbedding(e);
        }
        return new JsonObject().put("upserted", documents.size()).put("size", store.size());
    }

    static JsonObject query(VectorStore store, JsonObject request) {
        float[] vector = RequestFields.floats(request, "embedding");
        List<VectorHit> hits;
        try {
            hits = store.query(
                    vector, RequestFields.integer(request, "k", DEFAULT_K), RequestFields.strings(request, "filter"));
        } catch (StoaException e) {
            throw asEmbedding(e);
        }
        return new JsonObject().put("hits", hits(hits));
    }

    /** The store names the vector 'vector'; on the bus the caller sent it as 'embedding': name what they sent. */
    private static StoaException asEmbedding(StoaException e) {
        String m = e.getMessage();
        return m != null && m.startsWith("'vector")
                ? new StoaException(e.code(), "'embedding" + m.substring("'vector".length()), e)
                : e;
    }

    static JsonObject delete(VectorStore store, JsonObject request) {
        long deleted;
        if (request.getValue("id") != null) {
            deleted = store.delete(RequestFields.string(request, "id")) ? 1 : 0;
        } else if (request.getValue("filter") != null) {
            deleted = store.deleteMatching(RequestFields.strings(request, "filter"));
        } else {
            throw StoaException.badInput(
                    "id", "is missing; send {\"id\": \"...\"} or {\"filter\": {\"key\":" + " \"value\"}}");
        }
        return new JsonObject().put("deleted", deleted).put("size", store.size());
    }

    /** @return hits as JSON: {@code [{"id", "score", "metadata"}, ...]} */
    static JsonArray hits(List<VectorHit> hits) {
        JsonArray out = new JsonArray(new ArrayList<>(hits.size()));
        for (VectorHit h : hits) {
            out.add(new JsonObject()
                    .put("id", h.id())
                    .put("score", h.score())
                    .put("metadata", new JsonObject(new LinkedHashMap<>(h.metadata()))));
        }
        return out;
    }

    private static VectorDocument document(JsonObject d) {
        return new VectorDocument(
                RequestFields.string(d, "id"),
                RequestFields.floats(d, "embedding"),
                RequestFields.strings(d, "metadata"));
    }

    private void register(
            BundleContext context, VectorStore store, String operation, Function<JsonObject, JsonObject> call) {
        Hashtable<String, Object> p = new Hashtable<>();
        p.put(ServiceProperties.ID, id(store.name(), operation));
        p.put(ServiceProperties.KIND, ServiceKind.STORE.id());
        p.put("vectors.collection", store.name());
        p.put("vectors.dimension", store.dimension());
        p.put("vectors.metric", store.metric().id());
        if (!operation.equals("query")) {
            p.put(ServiceProperties.WRITES, true); // upsert, delete, optimize change the collection: scope 'write'
        }
        if (operation.equals("optimize")) {
            p.put("stoa.timeout.ms", OPTIMIZE_TIMEOUT_MS); // a merge of a large collection outlasts the bus's default
        }
        registrations.add(context.registerService(StoaService.class, JsonService.of(call), p));
    }
}
