package dev.stoa.train.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** The trainer's settings, PID {@code dev.stoa.train} ({@code etc/dev.stoa.train.cfg}). */
@ObjectClassDefinition(name = "Stoa trainer")
public @interface TrainerConfig {

    @AttributeDefinition(description = "Folder of training files; empty means ${stoa.home}/etc/train")
    String dir() default "";

    @AttributeDefinition(
            description =
                    "Folder of run folders (checkpoints, metrics, reports); empty means" + " ${stoa.home}/data/train")
    String runs() default "";

    @AttributeDefinition(
            description =
                    "Train files marked first_start: true at start-up when the model store lacks" + " their output")
    boolean firstStart() default true;

    @AttributeDefinition(description = "Seconds a run waits for the model, loss and dataset bundles it names")
    int waitSeconds() default 120;

    @AttributeDefinition(
            description = "More folders training files may be started from (POST /v1/trainings, bin/stoa train),"
                    + " comma-separated, relative to ${stoa.home}; the training folder (dir) always is one")
    String[] folders() default {};

    @AttributeDefinition(description = "Largest training file accepted, in bytes")
    long maxFileBytes() default TrainingFolders.DEFAULT_MAX_BYTES;

    @AttributeDefinition(
            description = "How many runs may train at once (each waits for what it needs); 1 runs them one at a time."
                    + " Above 1 is experimental: runs side by side skipped more steps for non-finite gradients")
    int concurrentRuns() default 1;

    @AttributeDefinition(
            description = "PyTorch intra-op threads the running runs share (split evenly among them, at least one"
                    + " each); 0 means every core the JVM sees")
    int threads() default 0;
}
