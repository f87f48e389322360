package dev.stoa.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import dev.stoa.api.dataset.Dataset;
import dev.stoa.api.dataset.DatasetFactory;
import dev.stoa.api.dataset.Example;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;

/** The distribution's datasets bundle registers its four dataset factories, and shapes renders inside Felix. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class DatasetsIT extends StoaTestSupport {

    @Test
    public void fourDatasetFactoriesAreRegisteredAndShapesRendersExamples() throws Exception {
        for (String id : List.of("shapes", "image-text-folder", "webdataset", "coco")) {
            await("dataset service " + id, () -> factory(id) != null);
        }
        try (Dataset shapes = factory("shapes").open(Map.of("image_size", 32, "max_count", 2))) {
            assertEquals(30, shapes.labels().size());
            Example e = shapes.split("train").get(12);
            assertNotNull(e);
            assertEquals(32, e.image().width());
            assertEquals(32 * 32 * 3, e.image().rgb().length);
            assertTrue(e.caption(), e.caption().contains(e.attributes().get("colour")));
            assertTrue(shapes.labels().contains(e.label()));
            // Java2D draws inside the framework the same as outside: the same example twice is the same image
            assertEquals(e.image(), shapes.split("train").get(12).image());
        }
    }

    private DatasetFactory factory(String id) {
        try {
            Collection<ServiceReference<DatasetFactory>> refs =
                    context.getServiceReferences(DatasetFactory.class, "(&(stoa.id=" + id + ")(stoa.kind=dataset))");
            return refs.isEmpty() ? null : context.getService(refs.iterator().next());
        } catch (InvalidSyntaxException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
