/**
 * The contract between model bundles and the trainer: a {@link dev.stoa.nn.train.TrainableModelFactory} service
 * (by {@code stoa.id}, {@code stoa.kind=model}) makes a {@link dev.stoa.nn.train.TrainableModel}, which turns dataset
 * examples into batches, its outputs into a loss's inputs, evaluates itself and saves what its serving side loads.
 * The trainer owns everything else: optimizer, schedule, clipping, checkpoints, metrics. What models do alike lives
 * here too ({@link dev.stoa.nn.train.BaseTrainableModel}, {@link dev.stoa.nn.train.ModelFiles},
 * {@link dev.stoa.nn.train.TrainingExamples}, {@link dev.stoa.nn.train.EvaluationOptions}, a factory of variant files:
 * {@link dev.stoa.nn.train.VariantModelFactory} with {@link dev.stoa.nn.train.VariantReader}), so a model bundle's
 * trainable holds only its mechanism.
 */
@org.osgi.annotation.versioning.Version("0.3.0")
package dev.stoa.nn.train;
