package dev.stoa.survey.internal;

import dev.stoa.api.StoaException;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * How the benchmark reaches a service: its JSON request in, its JSON answer out, as an HTTP client would call it
 * (in the server through {@code ServiceCaller}, so timeouts, metrics and hot-swap waits apply).
 */
@FunctionalInterface
interface Calls {

    /**
     * @param service a service or pipeline id
     * @param request its JSON request
     * @return its JSON answer
     * @throws StoaException the service's failure, with its code
     */
    JsonObject call(String service, JsonObject request);

    /** One call's answer or its failure. */
    record Answer(JsonObject json, StoaException failure) {

        boolean ok() {
            return failure == null;
        }
    }

    /**
     * Calls one service once per request, {@code pool}'s threads at a time.
     *
     * @return the answers in the order of the requests; a failed call is an answer with its failure
     * @throws InterruptedException when the command is cancelled
     */
    static List<Answer> all(Calls calls, ExecutorService pool, String service, List<JsonObject> requests)
            throws InterruptedException {
        List<Future<JsonObject>> futures = new ArrayList<>(requests.size());
        for (JsonObject r : requests) {
            futures.add(pool.submit(() -> calls.call(service, r)));
        }
        List<Answer> out = new ArrayList<>(requests.size()); // mutable: a task may mark an answer not understood
        for (Future<JsonObject> f : futures) {
            try {
                out.add(new Answer(f.get(), null));
            } catch (ExecutionException e) {
                if (e.getCause() instanceof StoaException se) {
                    out.add(new Answer(null, se));
                } else {
                    out.add(new Answer(
                            null,
                            new StoaException(
                                    dev.stoa.api.FailureCode.INTERNAL,
                                    service + " failed: " + e.getCause(),
                                    e.getCause())));
                }
            }
        }
        return out;
    }
}
