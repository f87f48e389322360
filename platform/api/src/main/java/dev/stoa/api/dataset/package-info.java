/**
 * Datasets for training and evaluation, engine-free: a {@link dev.stoa.api.dataset.DatasetFactory} service (by
 * {@code stoa.id}, {@code stoa.kind=dataset}) opens a {@link dev.stoa.api.dataset.Dataset} from the options a
 * training file gives; the dataset's splits hand out {@link dev.stoa.api.dataset.Example}s by index, so a trainer can
 * shuffle, shard and resume by index alone.
 */
@org.osgi.annotation.versioning.Version("0.1.0")
package dev.stoa.api.dataset;
