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

/**
 * Image-text pairs from a folder and a captions file ({@link CaptionFile}: JSONL or TSV). Options: {@code root}
 * (required), {@code captions} (file in root, default {@code captions.jsonl}), {@code on_error} (skip|fail),
 * {@code test_fraction} (0.1): lines without a {@code split} go to {@code test} or {@code train} by a hash of the
 * image path.
 */
@Component(
        service = DatasetFactory.class,
        property = {"stoa.id=" + ImageTextFolderFactory.ID, "stoa.kind=dataset", "stoa.version=1.0.0"})
public final class ImageTextFolderFactory extends FileDatasetFactory {

    static final String ID = "image-text-folder";
    static final String ROOT = "root";
    static final String CAPTIONS = "captions";

    @Activate
    public ImageTextFolderFactory(BundleContext context) {
        super(Installation.home(context));
    }

    /** Outside OSGi: relative paths resolve against {@code home}. */
    ImageTextFolderFactory(Path home) {
        super(home);
    }

    @Override
    public Map<String, Object> defaults() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put(ROOT, null);
        d.put(CAPTIONS, "captions.jsonl");
        return RecordDataset.Builder.commonDefaults(d);
    }

    @Override
    public Dataset open(Map<String, ?> options) {
        DatasetOptions o = new DatasetOptions(ID, defaults(), options);
        Path root = o.folder(ROOT, home).toAbsolutePath().normalize();
        Path captions = o.file(CAPTIONS, root);
        RecordDataset.Builder builder = new RecordDataset.Builder(ID, o);
        for (CaptionFile.Line line : CaptionFile.read(captions)) {
            Path image = root.resolve(line.image()).normalize();
            if (!image.startsWith(root)) {
                throw new StoaException(
                        FailureCode.BAD_CONFIG,
                        captions + ":" + line.line() + ": image '" + line.image() + "' is outside the folder " + root
                                + "; give a path inside it");
            }
            builder.add(
                    new ImageRecord(
                            line.image(),
                            image.toString(),
                            () -> Files.readAllBytes(image),
                            line.captions(),
                            line.label(),
                            Map.of("file", line.image())),
                    line.split());
        }
        builder.fact("root", root.toString());
        builder.fact("captions_file", captions.toString());
        return builder.build(() -> {});
    }
}
