package dev.stoa.itests.durability;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Random;

/**
 * Vector upserts over HTTP whose acknowledgement is recorded, and the check that acknowledged documents are there.
 * Each document's vector is made from its id, so the check needs nothing but the ids; it asks for each id with a
 * metadata filter naming it, which Lucene answers by exact search (no approximation can hide a document).
 */
final class VectorWrites {

    private final StoaServer server;
    private final String collection;
    private final int dimension;

    VectorWrites(StoaServer server, String collection, int dimension) {
        this.server = server;
        this.collection = collection;
        this.dimension = dimension;
    }

    /** The retrieval configuration that opens the collection at start ({@code etc/dev.stoa.retrieval-<c>.cfg}). */
    static String retrievalConfig(String collection, int dimension) {
        return String.join(
                "\n",
                "collection = " + collection,
                // the encoder is only called by <collection>.index and .search, which these tests do not use
                "textEncoder = all-minilm-l6-v2",
                "dimension = " + dimension,
                "");
    }

    /** @return whether the server acknowledged the upsert (200 with {@code "upserted": 1}) */
    boolean upsert(String id) throws IOException, InterruptedException {
        return upsertStatus(id) == 200;
    }

    /**
     * @return the HTTP status of the upsert; 200 only when acknowledged ({@code "upserted": 1}), else 200 becomes
     *     -1
     */
    int upsertStatus(String id) throws IOException, InterruptedException {
        JsonObject request = new JsonObject()
                .put("id", id)
                .put("embedding", vector(id))
                .put("metadata", new JsonObject().put("n", id));
        StoaServer.Answer a = server.post("/v1/services/vectors." + collection + ".upsert", request);
        if (a.status() != 200) {
            return a.status();
        }
        return a.json().getInteger("upserted", 0) == 1 ? 200 : -1;
    }

    /** @return the ids among {@code acknowledged} that the collection does not hold */
    List<String> missing(Collection<String> acknowledged) throws IOException, InterruptedException {
        List<String> missing = new ArrayList<>();
        for (String id : acknowledged) {
            JsonObject query = new JsonObject()
                    .put("embedding", vector(id))
                    .put("k", 1)
                    .put("filter", new JsonObject().put("n", id));
            StoaServer.Answer a = server.post("/v1/services/vectors." + collection + ".query", query);
            if (a.status() != 200) {
                throw new AssertionError("query for " + id + " answered " + a.status() + ": " + a.body());
            }
            JsonArray hits = a.json().getJsonArray("hits");
            if (hits.isEmpty() || !id.equals(hits.getJsonObject(0).getString("id"))) {
                missing.add(id);
            }
        }
        return missing;
    }

    JsonArray vector(String id) {
        Random r = new Random(id.hashCode());
        JsonArray v = new JsonArray();
        for (int i = 0; i < dimension; i++) {
            v.add(r.nextGaussian());
        }
        return v;
    }
}
