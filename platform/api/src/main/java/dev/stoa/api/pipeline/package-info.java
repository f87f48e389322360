/**
 * Stage kinds of pipeline files, open to bundles. A pipeline file ({@code etc/pipelines/<name>.yaml}) lists stages;
 * each stage names its kind by a key ({@code call:}, {@code template:}, ...). A bundle adds a kind by registering a
 * {@link dev.stoa.api.pipeline.StageKind} as an OSGi service (the whiteboard pattern): the pipeline module picks it
 * up, and files that use it load. The built-in kinds ({@code call}, {@code map}, {@code template}, {@code merge},
 * {@code top}) are written against this same interface.
 *
 * <p>A kind parses its own fields from a {@link dev.stoa.api.pipeline.StageSpec}, and what it parses is a
 * {@link dev.stoa.api.pipeline.Stage}: either a {@link dev.stoa.api.pipeline.ComputedStage} (it computes its output
 * from earlier values, in this JVM) or a {@link dev.stoa.api.pipeline.ServiceStage} (it calls services, and the
 * engine applies the stage's timeout, retries, in-flight bound and {@code optional:} to those calls). The engine
 * owns what every stage shares: {@code when:}, ordering by what a stage reads, tracing and metrics.
 *
 * <p>Values between stages are Java objects inside one JVM: the records of {@code dev.stoa.api.data} (an
 * {@link dev.stoa.api.data.Image} decoded once), {@code Map}s, lists, strings, numbers. They become JSON only where
 * the pipeline answers.
 */
@org.osgi.annotation.versioning.Version("1.0.0")
package dev.stoa.api.pipeline;
