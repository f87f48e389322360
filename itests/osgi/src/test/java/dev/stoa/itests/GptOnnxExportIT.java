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
 * The GPT decoder's ONNX export in Felix, with the distribution's bundles: the shipped gpt-tiny, opened by its
 * provider as the model repository opens it, writes model.decoder.onnx (its key/value cache as inputs and outputs),
 * which passes the checker.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class GptOnnxExportIT extends StoaTestSupport {

    @Test
    public void gptTinyExportsItsDecoderInsideTheFramework() throws Exception {
        AtomicReference<ModelProvider> gpt = new AtomicReference<>();
        await("the ModelProvider of gpt-tiny", () -> {
            try {
                ServiceReference<?>[] refs = context.getServiceReferences(ModelProvider.class.getName(), null);
                for (ServiceReference<?> ref : refs == null ? new ServiceReference<?>[0] : refs) {
                    ModelProvider p = (ModelProvider) context.getService(ref);
                    if (p != null && p.handles("gpt-tiny")) {
                        gpt.set(p);
                        return true;
                    }
                }
                return false;
            } catch (InvalidSyntaxException e) {
                throw new IllegalArgumentException(e);
            }
        });
        Path folder = Files.createTempDirectory("onnx-export");
        try (OpenedModel model = gpt.get().open(ModelSource.shipped("gpt-tiny"))) {
            assertTrue("GPT's opened model implements OnnxExport", model instanceof OnnxExport);
            Map<String, Path> files = ((OnnxExport) model).exportOnnx(folder);
            assertEquals(Set.of("decoder"), files.keySet());
            Path file = files.get("decoder");
            assertEquals(folder.resolve("model.decoder.onnx"), file);
            assertTrue(file + " is written", Files.size(file) > 260 * 64 * 4);
            assertEquals(file.toString(), List.of(), OnnxChecker.problems(file));
        }
    }
}
