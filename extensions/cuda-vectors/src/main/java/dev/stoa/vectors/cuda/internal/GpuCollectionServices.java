package dev.stoa.vectors.cuda.internal;

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
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;

/**
 * A collection's services on the bus from this bundle. Always {@code vectors.<name>.engine}, answering which engine
 * searches it and why. When the GPU serves it, also {@code vectors.<name>.query}, {@code .upsert}, {@code .delete}
 * and {@code .optimize}, with the JSON of the Lucene bundle's services and a higher {@code service.ranking}, so the
 * bus sends the collection's calls here (and back to Lucene's services when this bundle stops).
 */
final class GpuCollectionServices {

    /** Above the Lucene bundle's services (ranking 0). */
    static final int RANKING = 10;

    static final int DEFAULT_K = 10;

    static final String ENGINE = "stoa.engine";

    static final String ENGINE_REASON = "stoa.engine.reason";

    private final List<ServiceRegistration<?>> registrations = new ArrayList<>();

    /**
     * @param context where to register; {@code null} registers nothing (tests)
     * @param choice the engine and why
     * @param store the collection: a {@link MirroredCollection} when the GPU serves it
     */
    GpuCollectionServices(BundleContext context, CollectionEngine choice, VectorStore store) {
        if (context == null) {
            return;
        }
        register(context, choice, store, "engine", json -> engine(choice, store));
        if (store instanceof MirroredCollection) {
            register(context, choice, store, "query", json -> query(store, json));
            register(context, choice, store, "upsert", json -> upsert(store, json));
            register(context, choice, store, "delete", json -> delete(store, json));
            register(context, choice, store, "optimize", json -> {
                long started = System.nanoTime();
                store.optimize();
                return new JsonObject()
                        .put("size", store.size())
                        .put("seconds", Math.round((System.nanoTime() - started) / 1e7) / 100.0);
            });
        }
    }

    static JsonObject engine(CollectionEngine choice, VectorStore store) {
        JsonObject out = new JsonObject()
                .put("collection", choice.collection())
                .put("engine", choice.engine())
                .put("reason", choice.reason())
                .put("size", store.size())
                .put("dimension", store.dimension())
                .put("metric", store.metric().id());
        if (store instanceof MirroredCollection m) {
            out.put("reloads", m.reloads());
        }
        return out;
    }

    static JsonObject query(VectorStore store, JsonObject request) {
        float[] vector = RequestFields.floats(request, "embedding");
        try {
            List<VectorHit> hits = store.query(
                    vector, RequestFields.integer(request, "k", DEFAULT_K), RequestFields.strings(request, "filter"));
            JsonArray out = new JsonArray(new ArrayList<>(hits.size()));
            for (VectorHit h : hits) {
                out.add(new JsonObject()
                        .put("id", h.id())
                        .put("score", h.score())
                        .put("metadata", new JsonObject(new LinkedHashMap<>(h.metadata()))));
            }
            return new JsonObject().put("hits", out);
        } catch (StoaException e) {
            throw asEmbedding(e);
        }
    }

    static JsonObject upsert(VectorStore store, JsonObject request) {
        List<VectorDocument> documents = new ArrayList<>();
        if (request.getValue("documents") != null) {
            if (!(request.getValue("documents") instanceof JsonArray array) || array.isEmpty()) {
                throw StoaException.badInput(
                        "documents", "must be a non-empty array of {\"id\", \"embedding\", \"metadata\"} objects");
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

    static JsonObject delete(VectorStore store, JsonObject request) {
        long deleted;
        if (request.getValue("id") != null) {
            deleted = store.delete(RequestFields.string(request, "id")) ? 1 : 0;
        } else if (request.getValue("filter") != null) {
            deleted = store.deleteMatching(RequestFields.strings(request, "filter"));
        } else {
            throw StoaException.badInput(
                    "id", "is missing; send {\"id\": \"...\"} or {\"filter\": {\"key\": \"value\"}}");
        }
        return new JsonObject().put("deleted", deleted).put("size", store.size());
    }

    private static VectorDocument document(JsonObject d) {
        return new VectorDocument(
                RequestFields.string(d, "id"),
                RequestFields.floats(d, "embedding"),
                RequestFields.strings(d, "metadata"));
    }

    /** The store names the vector 'vector'; on the bus the caller sent it as 'embedding'. */
    private static StoaException asEmbedding(StoaException e) {
        String m = e.getMessage();
        return m != null && m.startsWith("'vector")
                ? new StoaException(e.code(), "'embedding" + m.substring("'vector".length()), e)
                : e;
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

    private void register(
            BundleContext context,
            CollectionEngine choice,
            VectorStore store,
            String operation,
            Function<JsonObject, JsonObject> call) {
        Hashtable<String, Object> p = new Hashtable<>();
        p.put(ServiceProperties.ID, "vectors." + store.name() + "." + operation);
        p.put(ServiceProperties.KIND, ServiceKind.STORE.id());
        p.put(Constants.SERVICE_RANKING, RANKING);
        p.put("vectors.collection", store.name());
        p.put("vectors.dimension", store.dimension());
        p.put("vectors.metric", store.metric().id());
        p.put(ENGINE, choice.engine());
        p.put(ENGINE_REASON, choice.reason());
        if (operation.equals("upsert") || operation.equals("delete") || operation.equals("optimize")) {
            p.put(ServiceProperties.WRITES, true);
        }
        if (operation.equals("optimize")) {
            p.put("stoa.timeout.ms", 3_600_000L);
        }
        registrations.add(context.registerService(StoaService.class, JsonService.of(call), p));
    }
}
