package dev.stoa.api.pipeline;

import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * A stage that calls services ({@code call}, {@code map}). The engine makes sure the services exist before the
 * pipeline serves (or skips the stage while an {@code optional: true} stage's service is absent) and applies the
 * stage's timeout, retries and in-flight bound to each call made through {@link ServiceCalls}.
 */
public non-sealed interface ServiceStage extends Stage {

    /** @return the ids of the services this stage calls */
    List<String> services();

    /**
     * Runs the stage for one request.
     *
     * @param values the request's values so far
     * @param calls the door to the services; each call is timed out, retried and bounded as the stage says
     * @return the output, completed when the stage is done
     */
    CompletionStage<Object> run(Values values, ServiceCalls calls);
}
