package dev.stoa.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import dev.stoa.api.engine.OnnxExport;
import dev.stoa.api.model.ModelProvider;
import dev.stoa.api.model.ModelSource;
import dev.stoa.api.model.OpenedModel;
import dev.stoa.nn.onnx.OnnxChecker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;

/**
 * ONNX export in Felix, with the distribution's bundles: dev.stoa.nn (its ONNX writer and the protobuf it inlines),
 * the encoders (their ONNX forms) and CLIP, whose opened model writes both towers as files that pass the checker.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class OnnxExportIT extends StoaTestSupport {

    @Test
    public void clipTinyExportsItsTowersInsideTheFramework() throws Exception {
        AtomicReference<ModelProvider> clip = new AtomicReference<>();
        await("the ModelProvider of clip-tiny", () -> {
            try {
                ServiceReference<?>[] refs = context.getServiceReferences(ModelProvider.class.getName(), null);
                for (ServiceReference<?> ref : refs == null ? new ServiceReference<?>[0] : refs) {
                    ModelProvider p = (ModelProvider) context.getService(ref);
                    if (p != null && p.handles("clip-tiny")) {
                        clip.set(p);
                        return true;
                    }
                }
                return false;
            } catch (InvalidSyntaxException e) {
                throw new IllegalArgumentException(e);
            }
        });
        Path folder = Files.createTempDirectory("onnx-export");
        try (OpenedModel model = clip.get().open(ModelSource.shipped("clip-tiny"))) {
            assertTrue("CLIP's opened model implements OnnxExport", model instanceof OnnxExport);
            Map<String, Path> files = ((OnnxExport) model).exportOnnx(folder);
            assertEquals(Set.of("image", "text"), files.keySet());
            assertEquals(folder.resolve("model.image.onnx"), files.get("image"));
            assertEquals(folder.resolve("model.text.onnx"), files.get("text"));
            for (Path file : files.values()) {
                assertTrue(file + " is written", Files.size(file) > 10_000);
                assertEquals(file.toString(), List.of(), OnnxChecker.problems(file));
            }
        }
    }
}
