package dev.stoa.pipeline.internal;

import dev.stoa.vertx.LocalCodecs;
import dev.stoa.vertx.Payloads;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Services on a real event bus that read their messages as the bus exporter's endpoint does (platform/bus
 * {@code Endpoint.convertInput}/{@code convertOutput}): a JSON body is read into the service's type with
 * {@link Payloads} (an image is decoded there) and answered as JSON; a record or map body is used as it is and
 * answered as the object the service returns (a map as JSON, since maps have no codec).
 */
final class StandInServices {

    private final Vertx vertx;
    private final Map<String, PipelineService.Target> targets = new HashMap<>();

    StandInServices(Vertx vertx) {
        this.vertx = vertx;
        LocalCodecs.registerAll(vertx);
    }

    /**
     * @param id the service id
     * @param type the service's input type
     * @param service what it does
     * @return this
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    <I> StandInServices serve(String id, Class<I> type, Function<I, Object> service) {
        String address = "stoa.service." + id;
        vertx.eventBus().consumer(address, m -> {
            Object body = m.body();
            boolean json = body instanceof JsonObject;
            Object out;
            try {
                out = service.apply(json ? Payloads.fromJson((JsonObject) body, type) : type.cast(body));
            } catch (RuntimeException e) {
                m.fail(500, e.toString());
                return;
            }
            m.reply(
                    json
                            ? Payloads.toJson(out)
                            : out instanceof Map map && !(out instanceof JsonObject) ? new JsonObject(map) : out);
        });
        targets.put(id, new PipelineService.Target(address, type.getSimpleName()));
        return this;
    }

    /** @return each service's address and input type, as the registry hands them to a pipeline */
    Map<String, PipelineService.Target> targets() {
        return targets;
    }
}
