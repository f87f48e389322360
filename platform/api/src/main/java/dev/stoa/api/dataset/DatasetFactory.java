package dev.stoa.api.dataset;

import java.util.Map;

/**
 * Opens datasets of one kind. Registered as an OSGi service with {@code stoa.id} (the name a training file uses:
 * {@code shapes}, {@code image-text-folder}, {@code webdataset}, {@code coco}) and {@code stoa.kind=dataset}.
 */
public interface DatasetFactory {

    /** @return every option {@link #open(Map)} accepts, with its default (null where it is required), in order */
    Map<String, Object> defaults();

    /**
     * Opens a dataset.
     *
     * @param options values from the training file, keyed as in {@link #defaults()}; numbers may be numbers or
     *     strings; missing keys take the default
     * @return the dataset, ready to read
     * @throws dev.stoa.api.StoaException {@code BAD_CONFIG} naming the option and the fix for an unknown, missing or
     *     invalid option, or a folder or file that does not exist
     */
    Dataset open(Map<String, ?> options);
}
