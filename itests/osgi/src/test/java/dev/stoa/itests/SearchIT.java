package dev.stoa.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import dev.stoa.api.FailureCode;
import dev.stoa.api.runtime.ExportedService;
import dev.stoa.api.runtime.ServiceDirectory;
import dev.stoa.api.vector.VectorMetric;
import dev.stoa.api.vector.VectorStore;
import dev.stoa.api.vector.VectorStores;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;

/**
 * Semantic search and OCR-then-search inside the real distribution: the shipped MiniLM encoder, PaddleOCR, the Lucene
 * vector collections and the retrieval services and pipelines that etc/ configures, called over the event bus and
 * HTTP as a user would.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class SearchIT extends StoaTestSupport {

    private static final List<String> SENTENCES = List.of(
            "The cat sat quietly on the warm windowsill.",
            "Stock markets fell sharply after the interest rate announcement.",
            "She baked a chocolate cake for her daughter's birthday.",
            "The football team won the championship in overtime.",
            "Heavy rain caused flooding in the coastal town.",
            "He is learning to play the violin.",
            "The spacecraft landed safely on Mars.",
            "Doctors recommend drinking plenty of water every day.",
            "The new smartphone has an excellent camera.",
            "Traffic was jammed on the highway during rush hour.",
            "The museum opened an exhibition of ancient Egyptian art.",
            "Volunteers planted trees in the city park.");

    /** Paraphrases that share (almost) no words with their sentence, by the sentence's index. */
    private static final Map<String, Integer> PARAPHRASES = Map.of(
            "How can I stay hydrated?", 7,
            "A rover touched down on the red planet", 6,
            "Cars stuck in congestion on the motorway", 9,
            "Shares dropped when the central bank changed borrowing costs", 1,
            "a kitten resting by the window", 0);

    private Vertx ready(String... ids) throws Exception {
        Vertx vertx = service(Vertx.class);
        ServiceDirectory directory = service(ServiceDirectory.class);
        for (String id : ids) {
            try {
                await(
                        id + " on the bus",
                        () -> directory.services().stream()
                                .anyMatch(s -> s.id().equals(id) && s.state().equals("available")));
            } catch (AssertionError e) {
                // say why: a pipeline's state and what it waits for, and what the bus has
                throw new AssertionError(
                        e.getMessage() + "; pipelines: " + http("/v1/pipelines").body() + "; services: "
                                + directory.services().stream()
                                        .map(s -> s.id() + "=" + s.state())
                                        .toList(),
                        e);
            }
        }
        return vertx;
    }

    private static JsonObject request(Vertx vertx, String address, JsonObject body) {
        return (JsonObject) vertx.eventBus().request(address, body).await().body();
    }

    private static void indexSentences(Vertx vertx) {
        for (int i = 0; i < SENTENCES.size(); i++) {
            JsonObject answer = request(
                    vertx,
                    "stoa.service.texts.index",
                    new JsonObject()
                            .put("id", "s" + i)
                            .put("text", SENTENCES.get(i))
                            .put("metadata", new JsonObject().put("half", i < 6 ? "a" : "b")));
            assertEquals(answer.encode(), 1, (int) answer.getInteger("indexed"));
        }
    }

    @Test
    public void aParaphraseFindsItsSentenceFirst() throws Exception {
        Vertx vertx = ready("all-minilm-l6-v2", "texts.index", "texts.search", "semantic-search");
        indexSentences(vertx);

        for (Map.Entry<String, Integer> p : PARAPHRASES.entrySet()) {
            JsonArray hits = request(
                            vertx,
                            "stoa.service.texts.search",
                            new JsonObject().put("text", p.getKey()).put("k", 3))
                    .getJsonArray("hits");
            assertEquals(hits.encode(), 3, hits.size());
            assertEquals(
                    p.getKey() + " -> " + hits.encode(),
                    "s" + p.getValue(),
                    hits.getJsonObject(0).getString("id"));
            assertEquals(SENTENCES.get(p.getValue()), hits.getJsonObject(0).getString("text"));
            assertTrue(
                    hits.encode(),
                    hits.getJsonObject(0).getDouble("score")
                            > hits.getJsonObject(1).getDouble("score"));
        }

        // the shipped pipeline composes the encoder and the collection's query service, over HTTP
        HttpResponse<String> viaPipeline = httpPost(
                "/v1/pipelines/semantic-search",
                new JsonObject()
                        .put("text", "A rover touched down on the red planet")
                        .put("k", 2)
                        .encode());
        assertEquals(viaPipeline.body(), 200, viaPipeline.statusCode());
        JsonArray hits = new JsonObject(viaPipeline.body()).getJsonArray("hits");
        assertEquals(viaPipeline.body(), 2, hits.size());
        assertEquals(viaPipeline.body(), "s6", hits.getJsonObject(0).getString("id"));
        assertEquals(
                SENTENCES.get(6),
                hits.getJsonObject(0).getJsonObject("metadata").getString("text"));

        // a metadata filter keeps to the sentences that carry it, even when a better match lies outside
        JsonArray filtered = request(
                        vertx,
                        "stoa.pipeline.semantic-search",
                        new JsonObject()
                                .put("text", "A rover touched down on the red planet")
                                .put("filter", new JsonObject().put("half", "a")))
                .getJsonArray("hits");
        assertEquals(filtered.encode(), 6, filtered.size());
        for (int i = 0; i < filtered.size(); i++) {
            assertEquals(
                    filtered.encode(),
                    "a",
                    filtered.getJsonObject(i).getJsonObject("metadata").getString("half"));
        }
    }

    @Test
    public void collectionsPersistAndSurviveABundleRestart() throws Exception {
        Vertx vertx = ready("all-minilm-l6-v2", "texts.index", "texts.search");
        indexSentences(vertx);
        Path folder = Path.of(context.getProperty("stoa.home"), "data", "vectors", "texts");
        assertTrue(folder + " holds the collection", Files.isDirectory(folder));

        Bundle vectors = platformBundle("dev.stoa.vectors.lucene");
        vectors.stop();
        vectors.start();
        vertx = ready("texts.search", "vectors.texts.query");
        VectorStore texts = service(VectorStores.class).find("texts").orElseThrow();
        assertEquals(SENTENCES.size(), texts.size());
        assertEquals(VectorMetric.COSINE, texts.metric());
        JsonArray hits = request(
                        vertx,
                        "stoa.service.texts.search",
                        new JsonObject().put("text", "How can I stay hydrated?").put("k", 1))
                .getJsonArray("hits");
        assertEquals(hits.encode(), "s7", hits.getJsonObject(0).getString("id"));
        // optimize (merging the segments) keeps every document and answer
        JsonObject optimized = request(vertx, "stoa.store.vectors.texts.optimize", new JsonObject());
        assertEquals(optimized.encode(), SENTENCES.size(), (int) optimized.getInteger("size"));
        hits = request(
                        vertx,
                        "stoa.service.texts.search",
                        new JsonObject().put("text", "How can I stay hydrated?").put("k", 1))
                .getJsonArray("hits");
        assertEquals(hits.encode(), "s7", hits.getJsonObject(0).getString("id"));
    }

    @Test
    public void anImageIsFoundByAWordRenderedInIt() throws Exception {
        Vertx vertx = ready("ocr-paddle", "all-minilm-l6-v2", "ocr.index", "ocr.search", "ocr-index", "ocr-search");
        Map<String, List<String>> images = Map.of(
                "invoice", List.of("Invoice 2024-117", "Total due: 3,580.25 EUR"),
                "beach", List.of("Welcome to Sunny Beach Resort", "Open all summer"),
                "parking", List.of("Parking permit", "Zone B residents only"));
        for (Map.Entry<String, List<String>> e : images.entrySet()) {
            String png = Base64.getEncoder()
                    .encodeToString(OcrIT.render(e.getValue()).encodePng());
            // two through the shipped pipeline (OCR stage, then ocr.index with the lines), one through ocr.index alone
            String address = e.getKey().equals("parking") ? "stoa.service.ocr.index" : "stoa.pipeline.ocr-index";
            JsonObject answer = request(
                    vertx, address, new JsonObject().put("id", e.getKey()).put("image", png));
            assertEquals(answer.encode(), 2, (int) answer.getInteger("indexed"));
        }
        // indexing an image again replaces its lines rather than adding to them
        String again = Base64.getEncoder()
                .encodeToString(OcrIT.render(images.get("beach")).encodePng());
        JsonObject reindexed = request(
                vertx,
                "stoa.service.ocr.index",
                new JsonObject().put("id", "beach").put("image", again));
        assertEquals(reindexed.encode(), 6, (int) reindexed.getInteger("size"));

        for (Map.Entry<String, String> q : Map.of("invoice", "invoice", "beach", "beach", "parking", "parking")
                .entrySet()) {
            JsonArray hits = request(vertx, "stoa.pipeline.ocr-search", new JsonObject().put("text", q.getKey()))
                    .getJsonArray("hits");
            assertEquals(hits.encode(), 3, hits.size());
            assertEquals(
                    q.getKey() + " -> " + hits.encode(),
                    q.getValue(),
                    hits.getJsonObject(0).getString("id"));
            assertTrue(
                    hits.encode(),
                    hits.getJsonObject(0).getString("text").toLowerCase().contains(q.getKey()));
        }
    }

    @Test
    public void badInputGetsACodeNamingTheField() throws Exception {
        Vertx vertx = ready("vectors.texts.query", "texts.index");
        try {
            request(
                    vertx,
                    "stoa.store.vectors.texts.query",
                    new JsonObject().put("embedding", new JsonArray(List.of(0.1, 0.2, 0.3))));
            fail("a 3-d query of a 384-d collection must be refused");
        } catch (ReplyException e) {
            assertEquals(e.getMessage(), FailureCode.BAD_INPUT, FailureCode.of(e.failureCode()));
            assertTrue(
                    e.getMessage(),
                    e.getMessage().startsWith("'embedding'") && e.getMessage().contains("384"));
        }
        HttpResponse<String> noText = httpPost(
                "/v1/services/texts.index", new JsonObject().put("id", "x").encode());
        assertEquals(noText.body(), 400, noText.statusCode());
        assertTrue(noText.body(), noText.body().contains("'text'"));
        try {
            service(VectorStores.class).open("Not A Name", 4, VectorMetric.COSINE);
            fail("a collection name with spaces and capitals must be refused");
        } catch (dev.stoa.api.StoaException e) {
            assertEquals(FailureCode.BAD_INPUT, e.code());
            assertTrue(e.getMessage(), e.getMessage().startsWith("'collection'"));
        }
        ExportedService query = service(ServiceDirectory.class).services().stream()
                .filter(s -> s.id().equals("vectors.texts.query"))
                .findFirst()
                .orElseThrow();
        assertEquals("store", query.kind());
    }
}
