/**
 * Training runs as a service: a {@link dev.stoa.api.train.TrainingService} starts runs from training files
 * ({@code etc/train/*.yaml}) and reports their progress as {@link dev.stoa.api.train.TrainingStatus}; progress is
 * also published on the event bus at {@link dev.stoa.api.train.TrainingService#PROGRESS_ADDRESS}.
 */
@org.osgi.annotation.versioning.Version("0.1.0")
package dev.stoa.api.train;
