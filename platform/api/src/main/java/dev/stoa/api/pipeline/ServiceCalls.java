package dev.stoa.api.pipeline;

import java.util.concurrent.CompletionStage;

/** Calls services for a {@link ServiceStage}, with the stage's timeout, retries and in-flight bound applied. */
public interface ServiceCalls {

    /**
     * Calls a service. The request is handed over in this JVM as it is (a record, a {@code Map} that may hold
     * records); the engine converts it only where the service's input type asks for another form.
     *
     * @param service a service id the stage lists in {@link ServiceStage#services()}
     * @param request what to send: a record of {@code dev.stoa.api.data}, a {@code Map}, or a string (sent as text)
     * @return the service's output: a record, or a {@code Map} (a JSON object) for a service that answers JSON
     */
    CompletionStage<Object> call(String service, Object request);
}
