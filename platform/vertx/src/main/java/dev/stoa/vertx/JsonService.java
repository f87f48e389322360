package dev.stoa.vertx;

import dev.stoa.api.StoaService;
import io.vertx.core.json.JsonObject;
import java.util.function.Function;

/**
 * A {@link StoaService} with several-field JSON requests and answers (a search, a document to index): the bus hands
 * it a {@link JsonObject} whatever the caller sent (a record arrives in its {@link Payloads} form) and returns its
 * answer as is. Read the request's fields with {@link RequestFields}.
 */
public interface JsonService extends StoaService<JsonObject, JsonObject> {

    @Override
    default Class<JsonObject> inputType() {
        return JsonObject.class;
    }

    @Override
    default Class<JsonObject> outputType() {
        return JsonObject.class;
    }

    /**
     * @param call what the service does
     * @return it as a service, to register with {@code stoa.id}
     */
    static JsonService of(Function<JsonObject, JsonObject> call) {
        return call::apply;
    }
}
