package dev.stoa.vertx;

import dev.stoa.api.data.Audio;
import dev.stoa.api.data.Embedding;
import dev.stoa.api.data.Image;
import dev.stoa.api.data.Mask;
import dev.stoa.api.data.RecognizedText;
import dev.stoa.api.data.Segment;
import dev.stoa.api.data.Text;
import dev.stoa.api.data.Tokens;
import dev.stoa.api.generation.Generation;
import dev.stoa.api.generation.GenerationRequest;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageCodec;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * Event-bus codecs for Stoa's data records, one per record type.
 *
 * <p>Inside one JVM a message body is handed over by reference: {@link MessageCodec#transform} returns the very
 * instance that was sent, so a 200 MB image or a long audio clip costs nothing to pass between bundles. This is safe
 * because the records are immutable by contract (their arrays must not be changed after construction; see
 * {@code dev.stoa.api.data}). Between cluster nodes a record travels as the JSON of {@link Payloads}, prefixed with
 * its length, so a node in another process (or language) reads the same shape an HTTP caller sends.
 *
 * <p>Once {@link #registerAll(Vertx)} has run, {@code eventBus.request(address, image)} needs no
 * {@code DeliveryOptions.setCodecName}: the codecs are the default codecs for their record classes.
 */
public final class LocalCodecs {

    /** Codec for {@link Text}, named {@code stoa.Text}. */
    public static final MessageCodec<Text, Text> TEXT = new RecordCodec<>(Text.class);
    /** Codec for {@link Embedding}, named {@code stoa.Embedding}. */
    public static final MessageCodec<Embedding, Embedding> EMBEDDING = new RecordCodec<>(Embedding.class);
    /** Codec for {@link Tokens}, named {@code stoa.Tokens}. */
    public static final MessageCodec<Tokens, Tokens> TOKENS = new RecordCodec<>(Tokens.class);
    /** Codec for {@link Image}, named {@code stoa.Image}; the wire form is PNG, so it is lossless. */
    public static final MessageCodec<Image, Image> IMAGE = new RecordCodec<>(Image.class);
    /** Codec for {@link Audio}, named {@code stoa.Audio}. */
    public static final MessageCodec<Audio, Audio> AUDIO = new RecordCodec<>(Audio.class);
    /** Codec for {@link Mask}, named {@code stoa.Mask}. */
    public static final MessageCodec<Mask, Mask> MASK = new RecordCodec<>(Mask.class);
    /** Codec for {@link Segment}, named {@code stoa.Segment}. */
    public static final MessageCodec<Segment, Segment> SEGMENT = new RecordCodec<>(Segment.class);

    /** Codec for {@link RecognizedText}, named {@code stoa.RecognizedText}. */
    public static final MessageCodec<RecognizedText, RecognizedText> RECOGNIZED_TEXT =
            new RecordCodec<>(RecognizedText.class);

    /** Codec for {@link GenerationRequest}, named {@code stoa.GenerationRequest}. */
    public static final MessageCodec<GenerationRequest, GenerationRequest> GENERATION_REQUEST =
            new RecordCodec<>(GenerationRequest.class);

    /** Codec for {@link Generation}, named {@code stoa.Generation}. */
    public static final MessageCodec<Generation, Generation> GENERATION = new RecordCodec<>(Generation.class);

    private static final List<MessageCodec<?, ?>> ALL = List.of(
            TEXT, EMBEDDING, TOKENS, IMAGE, AUDIO, MASK, SEGMENT, RECOGNIZED_TEXT, GENERATION_REQUEST, GENERATION);

    private static final Object REGISTRATION_LOCK = new Object();

    private LocalCodecs() {}

    /**
     * Registers every codec as the default codec for its record class. Calling it again on the same {@code Vertx}
     * (from another bundle, or after a restart of the caller) does nothing.
     *
     * @param vertx the Vert.x instance whose event bus gets the codecs
     */
    public static void registerAll(Vertx vertx) {
        EventBus bus = vertx.eventBus();
        // the event bus offers no lookup of default codecs and its check-then-put is not atomic:
        // serialise our own registrations, and treat "already registered" as done
        synchronized (REGISTRATION_LOCK) {
            for (MessageCodec<?, ?> codec : ALL) {
                register(bus, (RecordCodec<?>) codec);
            }
        }
    }

    /** @return the codecs, one per record type */
    public static List<MessageCodec<?, ?>> all() {
        return ALL;
    }

    private static <T> void register(EventBus bus, RecordCodec<T> codec) {
        try {
            bus.registerDefaultCodec(codec.type, codec);
        } catch (IllegalStateException alreadyRegistered) {
            // registered by an earlier call: the codecs are stateless singletons, so that one is as good
        }
    }

    /**
     * Passes a record by reference locally and as length-prefixed {@link Payloads} JSON on the wire. Stateless,
     * hence thread-safe.
     */
    private static final class RecordCodec<T> implements MessageCodec<T, T> {

        private final Class<T> type;
        private final String name;

        RecordCodec(Class<T> type) {
            this.type = type;
            this.name = "stoa." + type.getSimpleName();
        }

        @Override
        public void encodeToWire(Buffer buffer, T record) {
            Buffer json = Payloads.toJson(record).toBuffer();
            buffer.appendInt(json.length()).appendBuffer(json);
        }

        @Override
        public T decodeFromWire(int pos, Buffer buffer) {
            int length = buffer.getInt(pos);
            JsonObject json = new JsonObject(buffer.getBuffer(pos + 4, pos + 4 + length));
            return Payloads.fromJson(json, type);
        }

        @Override
        public T transform(T record) {
            // records are immutable by contract: the receiver may share the sender's instance
            return record;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public byte systemCodecID() {
            // -1 marks a user codec (Vert.x reserves the others)
            return -1;
        }
    }
}
