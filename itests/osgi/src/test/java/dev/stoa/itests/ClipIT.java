package dev.stoa.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import dev.stoa.api.data.Image;
import dev.stoa.nn.encoder.EncoderFactory;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.InvalidSyntaxException;

/**
 * The distribution's encoder and CLIP bundles: the encoders are services, and CLIP's zero-shot classifier answers
 * JSON over the event bus (with random weights until the trainer exists, which the answer says).
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ClipIT extends StoaTestSupport {

    @Test
    public void zeroShotClassifierAnswersOverTheEventBus() throws Exception {
        Vertx vertx = service(Vertx.class);
        for (String id : new String[] {"vit", "resnet", "text-transformer"}) {
            await("encoder " + id,
                    () -> registered(EncoderFactory.class, "(&(stoa.id=" + id + ")(stoa.kind=encoder))"));
        }
        await("clip-tiny-zero-shot registered", () -> registered(null, "(stoa.id=clip-tiny-zero-shot)"));

        byte[] rgb = new byte[40 * 30 * 3];
        for (int i = 0; i < rgb.length; i += 3) {
            rgb[i] = (byte) 220; // a red 40x30 image
        }
        JsonObject request = new JsonObject()
                .put("image", Base64.getEncoder().encodeToString(new Image(40, 30, rgb).encodePng()))
                .put("labels", new JsonArray().add("red circle").add("blue square").add("green triangle"));
        AtomicReference<JsonObject> answer = new AtomicReference<>();
        // the bus exports a new service asynchronously: retry while it has no handler yet
        await("an answer from stoa.model.clip-tiny-zero-shot", () -> {
            try {
                answer.set((JsonObject) vertx.eventBus().request("stoa.model.clip-tiny-zero-shot", request).await()
                        .body());
                return true;
            } catch (ReplyException e) {
                return false;
            }
        });
        JsonObject scores = answer.get().getJsonObject("scores");
        assertEquals(3, scores.size());
        double sum = 0;
        for (String label : scores.fieldNames()) {
            double p = scores.getDouble(label);
            assertTrue(label + ": " + p, p > 0 && p < 1);
            sum += p;
        }
        assertEquals(1.0, sum, 1e-5);
        assertTrue(scores.containsKey(answer.get().getString("label")));
        assertFalse("no trainer has produced weights: the answer must say so", answer.get().getBoolean("trained"));

        // a request with no labels is refused, naming the field
        try {
            vertx.eventBus().request("stoa.model.clip-tiny-zero-shot", request.copy().put("labels", new JsonArray()))
                    .await();
            throw new AssertionError("empty labels were accepted");
        } catch (ReplyException e) {
            assertEquals(400, e.failureCode());
            assertTrue(e.getMessage(), e.getMessage().contains("'labels'"));
        }
    }

    private boolean registered(Class<?> type, String filter) {
        try {
            return context.getServiceReferences(type == null ? null : type.getName(), filter) != null;
        } catch (InvalidSyntaxException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
