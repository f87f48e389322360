package dev.stoa.api.train;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Runs training files. Runs execute one at a time in the order they were started (DJL's PyTorch engine records
 * gradients for one run per process); the rest wait as {@code queued}. A run whose {@code needs:} (model store ids it
 * reads) the store lacks also waits, its status message naming the run that will output them, and fails if that run
 * does not succeed.
 */
public interface TrainingService {

    /** Event-bus address where every run publishes its {@link TrainingStatus} as JSON, at each logged step. */
    String PROGRESS_ADDRESS = "stoa.train.progress";

    /**
     * Validates a training file completely and queues a run of it.
     *
     * @param file a training file, e.g. {@code etc/train/clip-shapes.yaml}; it must be a {@code .yaml} file whose real
     *     path lies in the trainer's training folders ({@code etc/train} and those configured), of bounded size
     * @return the run's status, {@code queued} or {@code running}
     * @throws dev.stoa.api.StoaException {@code BAD_CONFIG} naming the file, the field and the fix if the file is
     *     invalid or names a model, loss or dataset no bundle provides; naming the file and line of a need that the
     *     model store lacks and no queued or running training outputs; {@code FORBIDDEN} for a file outside the
     *     training folders and {@code TOO_LARGE} for one over the size limit, read no further than its path
     */
    TrainingStatus start(Path file);

    /** @return every run since the platform started, newest first */
    List<TrainingStatus> runs();

    /**
     * @param id a run id
     * @return its status, if there is such a run
     */
    Optional<TrainingStatus> run(String id);

    /**
     * @param modelId a model store id
     * @return the queued or running run that will publish that model, if any
     */
    Optional<TrainingStatus> activeFor(String modelId);

    /**
     * Stops a queued or running run; a running one stops after its current step and keeps its last checkpoint, so
     * starting the same file again resumes.
     *
     * @param id a run id
     * @return whether a run was cancelled
     */
    boolean cancel(String id);
}
