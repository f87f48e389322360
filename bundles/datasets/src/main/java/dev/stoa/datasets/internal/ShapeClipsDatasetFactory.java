package dev.stoa.datasets.internal;

import dev.stoa.api.dataset.Dataset;
import dev.stoa.api.dataset.DatasetFactory;
import java.util.Map;
import org.osgi.service.component.annotations.Component;

/**
 * Synthetic clips of one shape that moves, appears or changes colour over 4-8 frames, with a transcript sentence per
 * frame, rendered from a seed with the shapes dataset's renderer; {@code train} and {@code test} never share a clip's
 * structure. Options in {@link ShapeClipsDataset#defaults()}; see README.md.
 */
@Component(property = {"stoa.id=" + ShapeClipsDataset.ID, "stoa.kind=dataset", "stoa.version=1.0.0"})
public final class ShapeClipsDatasetFactory implements DatasetFactory {

    @Override
    public Map<String, Object> defaults() {
        return ShapeClipsDataset.defaults();
    }

    @Override
    public Dataset open(Map<String, ?> options) {
        return new ShapeClipsDataset(options);
    }
}
