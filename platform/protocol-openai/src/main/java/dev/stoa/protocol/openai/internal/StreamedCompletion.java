package dev.stoa.protocol.openai.internal;

import dev.stoa.api.StreamingService;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import java.util.UUID;
import java.util.function.Function;

/**
 * A completion answered as OpenAI's server-sent events ({@code "stream": true}): {@code data: <chunk>} for the
 * role, then one chunk per piece of text as the generator hands it out, a chunk with the finish reason, the usage
 * chunk when {@code stream_options.include_usage} asked for it, and {@code data: [DONE]}.
 *
 * <p>The pieces come as the platform streams any {@link StreamingService}: a one-time event-bus address named in the
 * call's {@link StreamingService#STREAM_HEADER} header receives {@code {"index": i, "text": piece}} before the call's
 * reply. A service that does not stream (a pipeline) answers only with its reply, which then becomes one piece. A
 * failure before the first chunk is an ordinary HTTP error; after it, a {@code data: {"error": {...}}} event (which
 * OpenAI's clients raise as an error) and the end of the stream.
 */
final class StreamedCompletion {

    private final Vertx vertx;
    private final HttpServerResponse response;
    private final CompletionFormat format;
    private final boolean includeUsage;
    private final StringBuilder sent = new StringBuilder();
    private boolean started;

    private StreamedCompletion(
            Vertx vertx, HttpServerResponse response, CompletionFormat format, boolean includeUsage) {
        this.vertx = vertx;
        this.response = response;
        this.format = format;
        this.includeUsage = includeUsage;
    }

    /**
     * Sends the call and streams its answer.
     *
     * @param vertx the event bus
     * @param response where the events go
     * @param format the answer's id, model and object names
     * @param includeUsage whether a usage chunk precedes {@code [DONE]}
     * @param address the service's bus address
     * @param input the call's input
     * @param options the call's delivery options (timeout, trace headers)
     * @param answer reads the reply
     * @param id the service's id, for failures
     */
    static void start(
            Vertx vertx,
            HttpServerResponse response,
            CompletionFormat format,
            boolean includeUsage,
            String address,
            Object input,
            DeliveryOptions options,
            Function<Object, Answer> answer,
            String id) {
        new StreamedCompletion(vertx, response, format, includeUsage).send(address, input, options, answer, id);
    }

    private void send(
            String address, Object input, DeliveryOptions options, Function<Object, Answer> answer, String id) {
        String streamAddress = "stoa.stream." + UUID.randomUUID();
        MessageConsumer<JsonObject> pieces = vertx.eventBus().consumer(streamAddress, m -> {
            Object text = m.body().getValue("text");
            if (text instanceof String s && !s.isEmpty()) {
                piece(s);
            }
        });
        pieces.completion().onComplete(registered -> {
            if (registered.failed()) {
                fail(OpenAiError.ofFailure(registered.cause(), id));
                return;
            }
            options.addHeader(StreamingService.STREAM_HEADER, streamAddress);
            vertx.eventBus().request(address, input, options).onComplete(ar -> {
                pieces.unregister();
                if (response.closed()) {
                    return;
                }
                if (ar.failed()) {
                    fail(OpenAiError.ofFailure(ar.cause(), id));
                    return;
                }
                Answer a;
                try {
                    a = answer.apply(ar.result().body());
                } catch (RuntimeException e) {
                    fail(OpenAiError.ofFailure(e, id));
                    return;
                }
                // a service that does not stream (a pipeline) sent no pieces: its whole text is the one piece; a
                // streaming one's pieces join to its text, and anything past them is sent now
                String text = a.text();
                if (text.startsWith(sent.toString()) && text.length() > sent.length()) {
                    piece(text.substring(sent.length()));
                }
                if (!started) {
                    begin();
                }
                data(format.finishChunk(a.finishReason()).encode());
                if (includeUsage) {
                    data(format.usageChunk(a.tokens()).encode());
                }
                data("[DONE]");
                response.end();
            });
        });
    }

    private void piece(String text) {
        if (!started) {
            begin();
        }
        sent.append(text);
        data(format.pieceChunk(text).encode());
    }

    private void begin() {
        started = true;
        response.setStatusCode(200)
                .setChunked(true)
                .putHeader("Content-Type", "text/event-stream")
                .putHeader("Cache-Control", "no-cache");
        JsonObject role = format.roleChunk();
        if (role != null) {
            data(role.encode());
        }
    }

    private void fail(OpenAiError error) {
        if (response.closed() || response.ended()) {
            return;
        }
        if (!started) {
            OpenAiRouter.error(response, error);
            return;
        }
        // the status line is sent: the failure travels as an event, as OpenAI's own API sends it
        data(error.toJson().encode());
        response.end();
    }

    private void data(String json) {
        if (!response.closed() && !response.ended()) {
            response.write("data: " + json + "\n\n");
        }
    }
}
