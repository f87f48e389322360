package dev.stoa.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import dev.stoa.api.StoaService;
import dev.stoa.api.runtime.ServiceDirectory;
import dev.stoa.api.vector.VectorMetric;
import dev.stoa.api.vector.VectorStore;
import dev.stoa.api.vector.VectorStores;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Collection;
import java.util.Hashtable;
import java.util.Map;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * The GPU vector search bundle in the real distribution on a machine without CUDA (the build machines): it resolves
 * and starts, a collection named in its configuration is served by Lucene, and the reason (the missing library, by
 * file name, and where it was looked for) is on the collection's engine service and its properties.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class CudaVectorsIT extends StoaTestSupport {

    @Test
    public void withoutCudaANamedCollectionIsServedByLuceneWithTheReasonShown() throws Exception {
        Bundle bundle = platformBundle("dev.stoa.vectors.cuda");
        assertNotNull("dev.stoa.vectors.cuda is not in the distribution", bundle);
        await("dev.stoa.vectors.cuda active", () -> bundle.getState() == Bundle.ACTIVE);

        // a collection in Lucene, then named for the GPU
        VectorStores lucene =
                context.getService(context.getServiceReferences(VectorStores.class, "(stoa.id=vectors-lucene)")
                        .iterator()
                        .next());
        VectorStore store = lucene.open("gputexts", 3, VectorMetric.COSINE);
        store.upsert("x", new float[] {1, 0, 0}, Map.of("axis", "x"));
        store.upsert("y", new float[] {0, 1, 0}, Map.of("axis", "y"));
        Configuration c = service(ConfigurationAdmin.class).getConfiguration("dev.stoa.vectors.cuda", "?");
        Hashtable<String, Object> props = new Hashtable<>();
        props.put("collections", "gputexts");
        props.put("libraryPath", "/nonexistent/cuda/lib64");
        c.update(props);

        await("vectors.gputexts.engine registered", () -> engineService() != null);
        ServiceReference<StoaService> engine = engineService();
        assertEquals("lucene", engine.getProperty("stoa.engine"));
        String reason = (String) engine.getProperty("stoa.engine.reason");
        // the driver is what a machine without a GPU surely lacks; the reason lists every library it lacks
        assertTrue(reason, reason.startsWith("cuda unavailable: libcuda.so.1"));
        assertTrue(reason, reason.contains("not found in /nonexistent/cuda/lib64, "));
        assertTrue(reason, reason.endsWith("; collection gputexts served by lucene"));

        // over the bus: the engine service says the same, and the collection's queries are answered (by Lucene)
        Vertx vertx = service(Vertx.class);
        ServiceDirectory directory = service(ServiceDirectory.class);
        await(
                "vectors.gputexts.engine on the bus",
                () -> directory.services().stream()
                        .anyMatch(s -> s.id().equals("vectors.gputexts.engine")
                                && s.state().equals("available")));
        JsonObject answer = (JsonObject) vertx.eventBus()
                .request("stoa.store.vectors.gputexts.engine", new JsonObject())
                .await()
                .body();
        assertEquals(answer.encode(), "lucene", answer.getString("engine"));
        assertEquals(answer.encode(), reason, answer.getString("reason"));
        assertEquals(answer.encode(), 2L, (long) answer.getLong("size"));
        JsonArray hits = ((JsonObject) vertx.eventBus()
                        .request(
                                "stoa.store.vectors.gputexts.query",
                                new JsonObject()
                                        .put(
                                                "embedding",
                                                new JsonArray()
                                                        .add(0.9)
                                                        .add(0.1)
                                                        .add(0))
                                        .put("k", 1))
                        .await()
                        .body())
                .getJsonArray("hits");
        assertEquals(hits.encode(), "x", hits.getJsonObject(0).getString("id"));
        await("the gateway answering", () -> status("/v1/services") == 200);
        String services = http("/v1/services").body();
        assertTrue(services, services.contains("\"vectors.gputexts.engine\""));
        c.delete();
    }

    private ServiceReference<StoaService> engineService() {
        try {
            Collection<ServiceReference<StoaService>> refs =
                    context.getServiceReferences(StoaService.class, "(stoa.id=vectors.gputexts.engine)");
            return refs.isEmpty() ? null : refs.iterator().next();
        } catch (org.osgi.framework.InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
