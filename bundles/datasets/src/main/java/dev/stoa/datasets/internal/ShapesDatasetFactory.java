package dev.stoa.datasets.internal;

import dev.stoa.api.dataset.Dataset;
import dev.stoa.api.dataset.DatasetFactory;
import java.util.Map;
import org.osgi.service.component.annotations.Component;

/**
 * Synthetic shapes: 5 shapes x 6 colours = 30 labels ("red circle"), rendered from a seed, with held-out
 * combinations for compositional tests. Options and defaults in {@link ShapesConfig#defaults()}; see README.md.
 */
@Component(property = {"stoa.id=" + ShapesConfig.ID, "stoa.kind=dataset", "stoa.version=1.0.0"})
public final class ShapesDatasetFactory implements DatasetFactory {

    @Override
    public Map<String, Object> defaults() {
        return ShapesConfig.defaults();
    }

    @Override
    public Dataset open(Map<String, ?> options) {
        return new ShapesDataset(ShapesConfig.parse(options));
    }
}
