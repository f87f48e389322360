package dev.stoa.datasets.internal;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import dev.stoa.api.dataset.Dataset;
import dev.stoa.api.dataset.DatasetFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * COCO captions: one example per image, its (five) captions together, id = the COCO image id. Options:
 * {@code annotations} (required: the captions JSON), {@code images} (required: the folder of its images),
 * {@code on_error}, {@code test_fraction}. Images without captions are left out; a missing image file is a skip.
 */
@Component(
        service = DatasetFactory.class,
        property = {"stoa.id=" + CocoFactory.ID, "stoa.kind=dataset", "stoa.version=1.0.0"})
public final class CocoFactory extends FileDatasetFactory {

    static final String ID = "coco";
    static final String ANNOTATIONS = "annotations";
    static final String IMAGES = "images";

    private static final Logger LOG = LoggerFactory.getLogger(CocoFactory.class);

    @Activate
    public CocoFactory(BundleContext context) {
        super(Installation.home(context));
    }

    /** Outside OSGi: relative paths resolve against {@code home}. */
    CocoFactory(Path home) {
        super(home);
    }

    @Override
    public Map<String, Object> defaults() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put(ANNOTATIONS, null);
        d.put(IMAGES, null);
        return RecordDataset.Builder.commonDefaults(d);
    }

    @Override
    public Dataset open(Map<String, ?> options) {
        DatasetOptions o = new DatasetOptions(ID, defaults(), options);
        Path annotations = o.file(ANNOTATIONS, home);
        Path images = o.folder(IMAGES, home).toAbsolutePath().normalize();
        CocoCaptions coco = CocoCaptions.read(annotations);
        RecordDataset.Builder builder = new RecordDataset.Builder(ID, o);
        int uncaptioned = 0;
        for (CocoCaptions.CocoImage image : coco.images()) {
            if (image.captions().isEmpty()) {
                uncaptioned++;
                continue;
            }
            Path file = images.resolve(image.fileName()).normalize();
            if (!file.startsWith(images)) {
                throw new StoaException(
                        FailureCode.BAD_CONFIG,
                        "COCO annotations " + annotations + ": image "
                                + image.id() + "'s file_name '" + image.fileName() + "' is outside " + images
                                + "; give a name inside the images folder");
            }
            builder.add(
                    new ImageRecord(
                            Long.toString(image.id()),
                            file.toString(),
                            () -> Files.readAllBytes(file),
                            image.captions(),
                            null,
                            Map.of("file", image.fileName())),
                    null);
        }
        if (uncaptioned + coco.orphans() > 0) {
            LOG.warn(
                    "dataset '{}': {}: left out {} image(s) without captions; {} caption(s) name no image",
                    ID,
                    annotations,
                    uncaptioned,
                    coco.orphans());
        }
        builder.fact("annotations", annotations.toString());
        builder.fact("images", images.toString());
        builder.fact("uncaptioned", uncaptioned);
        builder.fact("orphan_captions", coco.orphans());
        return builder.build(() -> {});
    }
}
