package dev.stoa.pipeline.internal;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;
import io.vertx.core.json.JsonObject;

/**
 * Passes a {@link StageRequest} by reference inside one JVM. The engine sends a service of another cluster node plain
 * JSON instead; should one still cross the wire, it travels as JSON (records in their JSON forms, an image as base64
 * PNG), length-prefixed, as the records' own codecs do.
 */
final class StageRequestCodec implements MessageCodec<StageRequest, StageRequest> {

    static final StageRequestCodec INSTANCE = new StageRequestCodec();
    private static final Object LOCK = new Object();

    /** Registers the codec as the default for {@link StageRequest}; a second call does nothing. */
    static void register(Vertx vertx) {
        synchronized (LOCK) {
            try {
                vertx.eventBus().registerDefaultCodec(StageRequest.class, INSTANCE);
            } catch (IllegalStateException alreadyRegistered) {
                // another pipeline registered it on this Vert.x: the codec is a stateless singleton
            }
        }
    }

    /** Removes it, so the Vert.x instance (which outlives this bundle) keeps no class of it. */
    static void unregister(Vertx vertx) {
        synchronized (LOCK) {
            vertx.eventBus().unregisterDefaultCodec(StageRequest.class);
        }
    }

    @Override
    public void encodeToWire(Buffer buffer, StageRequest request) {
        Buffer json = ((JsonObject) JsonValues.toJson(request)).toBuffer();
        buffer.appendInt(json.length()).appendBuffer(json);
    }

    @Override
    public StageRequest decodeFromWire(int pos, Buffer buffer) {
        int length = buffer.getInt(pos);
        StageRequest out = new StageRequest();
        new JsonObject(buffer.getBuffer(pos + 4, pos + 4 + length)).forEach(e -> out.put(e.getKey(), e.getValue()));
        return out;
    }

    @Override
    public StageRequest transform(StageRequest request) {
        // built per request and never changed after it is sent: the receiver may share it
        return request;
    }

    @Override
    public String name() {
        // one name per revision of this bundle: an updated bundle's class gets its own codec even if the old one's
        // has not been removed yet (codec names are unique per Vert.x instance)
        return "stoa.pipeline.StageRequest@" + Integer.toHexString(System.identityHashCode(StageRequest.class));
    }

    @Override
    public byte systemCodecID() {
        return -1;
    }
}
