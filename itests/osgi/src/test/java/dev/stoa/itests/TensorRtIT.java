package dev.stoa.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import dev.stoa.api.engine.EngineOptions;
import dev.stoa.api.engine.InferenceEngine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;

/**
 * The distribution's TensorRT bundle resolves and starts in Felix on a machine without TensorRT (this one, and CI):
 * its engine is registered as {@code stoa.engine=tensorrt}, unavailable, and says which library is missing, where it
 * looked and how to fix it; opening a graph on it fails with that reason instead of crashing anything.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class TensorRtIT extends StoaTestSupport {

    private InferenceEngine tensorRt() throws Exception {
        String filter = "(" + InferenceEngine.NAME_PROPERTY + "=tensorrt)";
        await("the tensorrt engine service", () -> {
            try {
                return !context.getServiceReferences(InferenceEngine.class, filter)
                        .isEmpty();
            } catch (Exception e) {
                return false;
            }
        });
        Collection<ServiceReference<InferenceEngine>> refs =
                context.getServiceReferences(InferenceEngine.class, filter);
        return context.getService(refs.iterator().next());
    }

    @Test
    public void isRegisteredUnavailableNamingTheMissingLibrary() throws Exception {
        InferenceEngine engine = tensorRt();
        assertEquals("tensorrt", engine.name());
        assertEquals(Bundle.ACTIVE, platformBundle("dev.stoa.tensorrt").getState());
        String reason = engine.unavailableReason()
                .orElseThrow(() -> new AssertionError("TensorRT is not installed here, yet the engine is available"));
        assertTrue(reason, reason.startsWith("libnvinfer.so.11 not found in "));
        assertTrue(reason, reason.contains("/usr/lib/x86_64-linux-gnu"));
        assertTrue(reason, reason.contains("set libraryPath in etc/dev.stoa.tensorrt.cfg"));
    }

    @Test
    public void openingAGraphFailsWithTheReason() throws Exception {
        InferenceEngine engine = tensorRt();
        Path graph = Files.write(Files.createTempFile("tensorrt-it", ".onnx"), new byte[] {8, 7});
        try {
            engine.open(graph, EngineOptions.defaults());
            fail("opened a graph without TensorRT");
        } catch (StoaException e) {
            assertEquals(FailureCode.UNAVAILABLE, e.code());
            assertTrue(e.getMessage(), e.getMessage().startsWith("tensorrt unavailable: libnvinfer.so.11 not found"));
        } finally {
            Files.deleteIfExists(graph);
        }
        // and the platform goes on: the gateway still answers
        await("gateway live", () -> status("/health/live") == 200);
    }
}
