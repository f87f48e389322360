package dev.stoa.vertx;

import dev.stoa.api.AsyncStoaService;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.function.Function;

/** A {@link JsonService} that answers asynchronously (see {@link AsyncStoaService}), from a Vert.x {@link Future}. */
public interface AsyncJsonService extends AsyncStoaService<JsonObject, JsonObject> {

    @Override
    default Class<JsonObject> inputType() {
        return JsonObject.class;
    }

    @Override
    default Class<JsonObject> outputType() {
        return JsonObject.class;
    }

    /**
     * @param call starts the work on the calling event loop, without blocking; a {@link RuntimeException} it throws
     *     (bad input, found before any work starts) fails the call like a failed future
     * @return it as a service, to register with {@code stoa.id} under {@link dev.stoa.api.StoaService} and
     *     {@link AsyncStoaService}
     */
    static AsyncJsonService of(Function<JsonObject, Future<JsonObject>> call) {
        return input -> {
            try {
                return call.apply(input).toCompletionStage();
            } catch (RuntimeException e) {
                return Future.<JsonObject>failedFuture(e).toCompletionStage();
            }
        };
    }
}
