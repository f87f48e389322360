package dev.stoa.itests;

import static org.junit.Assert.assertTrue;

import dev.stoa.api.FailureCode;
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
 * The distribution's encoder and CLIP bundles: the encoders are services, and CLIP's zero-shot classifier is exported
 * on the event bus, answering UNTRAINED (naming the training file) until a trained version is published.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ClipIT extends StoaTestSupport {

    @Test
    public void zeroShotClassifierAnswersOverTheEventBus() throws Exception {
        Vertx vertx = service(Vertx.class);
        for (String id : new String[] {"vit", "resnet", "text-transformer"}) {
            await(
                    "encoder " + id,
                    () -> registered(EncoderFactory.class, "(&(stoa.id=" + id + ")(stoa.kind=encoder))"));
        }
        await("clip-tiny-zero-shot registered", () -> registered(null, "(stoa.id=clip-tiny-zero-shot)"));

        byte[] rgb = new byte[40 * 30 * 3];
        for (int i = 0; i < rgb.length; i += 3) {
            rgb[i] = (byte) 220; // a red 40x30 image
        }
        JsonObject request = new JsonObject()
                .put("image", Base64.getEncoder().encodeToString(new Image(40, 30, rgb).encodePng()))
                .put(
                        "labels",
                        new JsonArray().add("red circle").add("blue square").add("green triangle"));
        // no trainer has produced weights: the service says so, and how to train it, instead of answering noise
        AtomicReference<ReplyException> refused = new AtomicReference<>();
        await("an UNTRAINED answer from stoa.model.clip-tiny-zero-shot", () -> {
            try {
                vertx.eventBus()
                        .request("stoa.model.clip-tiny-zero-shot", request)
                        .await();
                return false;
            } catch (ReplyException e) {
                refused.set(e);
                return e.failureCode() == FailureCode.UNTRAINED.code();
            }
        });
        assertTrue(
                refused.get().getMessage(),
                refused.get().getMessage().contains("bin/stoa train etc/train/clip-shapes.yaml"));
        // ModelLifecycleIT trains it and checks the answers of the trained model
    }

    private boolean registered(Class<?> type, String filter) {
        try {
            return context.getServiceReferences(type == null ? null : type.getName(), filter) != null;
        } catch (InvalidSyntaxException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
