package dev.stoa.api.pipeline;

import java.util.List;

/**
 * One parsed stage. A stage either computes its output in this JVM ({@link ComputedStage}) or calls services
 * ({@link ServiceStage}); the engine treats the two differently (only calls get timeouts, retries, an in-flight
 * bound and {@code optional:}), so the choice is closed while the kinds are open.
 */
public sealed interface Stage permits ComputedStage, ServiceStage {

    /**
     * @return every value this stage reads ({@code $input...} or {@code $<stage>...}): the engine runs it after the
     *     stages it reads, and the validator checks that each exists and has the field read
     */
    List<Ref> reads();

    /**
     * Type-checks the stage against the types of what it reads (and, for a {@link ServiceStage}, of the services
     * it calls), reporting what does not fit through {@link StageTypes#problem}.
     *
     * @param types the types known at this point of the pipeline
     * @return the type of this stage's output
     */
    ValueType check(StageTypes types);
}
