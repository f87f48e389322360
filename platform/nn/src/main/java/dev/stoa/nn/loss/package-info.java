/**
 * The contract between training objectives and the trainer: a {@link dev.stoa.nn.loss.TrainingLoss} is a DJL block
 * (so learned loss parameters, such as CLIP's temperature, train and save with the model) that yields the batch-mean
 * total and its named parts ({@link dev.stoa.nn.loss.LossTerms}); bundles register a
 * {@link dev.stoa.nn.loss.LossFactory} per loss with {@code stoa.id} and {@code stoa.kind=loss}.
 */
@org.osgi.annotation.versioning.Version("0.1.0")
package dev.stoa.nn.loss;
