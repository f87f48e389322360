package dev.stoa.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.stoa.djl.DjlRuntime;
import dev.stoa.nn.loss.LossFactory;
import dev.stoa.nn.loss.LossTerms;
import dev.stoa.nn.loss.TrainingLoss;
import java.util.Collection;
import java.util.Map;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.ServiceReference;

/** The distribution's loss bundle registers CLIP's, ALIGN's and UniCL's losses, and they compute inside Felix. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class LossIT extends StoaTestSupport {

    @Test
    public void contrastiveLossesAreServicesThatComputeWithPyTorch() throws Exception {
        service(DjlRuntime.class);
        for (String id : new String[] {"clip", "align", "unicl"}) {
            await("loss service " + id, () -> factory(id) != null);
        }
        TrainingLoss clip = factory("clip").create(Map.of("temperature", 1.0));
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            // two orthogonal matching pairs at temperature 1: logits = [[1, 0], [0, 1]], so each row's
            // cross-entropy is ln(1 + e^-1), in both directions
            NDList pairs = new NDList(
                    manager.create(new float[] {1, 0, 0, 1}, new Shape(2, 2)),
                    manager.create(new float[] {3, 0, 0, 0.5f}, new Shape(2, 2)));
            clip.initialize(manager, DataType.FLOAT32, pairs.getShapes());
            LossTerms terms = clip.evaluate(new ParameterStore(manager, false), pairs, false);
            assertEquals(Math.log1p(Math.exp(-1)), terms.total().getFloat(), 1e-6);
            assertTrue(terms.parts().containsKey("contrastive_loss"));
        }
    }

    private LossFactory factory(String id) {
        try {
            Collection<ServiceReference<LossFactory>> refs =
                    context.getServiceReferences(LossFactory.class, "(&(stoa.id=" + id + ")(stoa.kind=loss))");
            return refs.isEmpty() ? null : context.getService(refs.iterator().next());
        } catch (org.osgi.framework.InvalidSyntaxException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
