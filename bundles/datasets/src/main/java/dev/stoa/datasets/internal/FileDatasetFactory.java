package dev.stoa.datasets.internal;

import dev.stoa.api.dataset.DatasetFactory;
import java.nio.file.Path;

/**
 * A factory of datasets read from files, whose relative paths resolve against the installation folder. Subclasses
 * name {@code service = DatasetFactory.class} in their {@code @Component}: bnd infers services only from interfaces a
 * class implements itself.
 */
abstract class FileDatasetFactory implements DatasetFactory {

    /** Where relative paths in options point: {@code stoa.home} in OSGi, else as the constructor was given. */
    protected final Path home;

    FileDatasetFactory(Path home) {
        this.home = home;
    }
}
