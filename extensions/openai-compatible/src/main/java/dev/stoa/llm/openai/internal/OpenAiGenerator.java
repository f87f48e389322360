package dev.stoa.llm.openai.internal;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import dev.stoa.api.generation.Generation;
import dev.stoa.api.generation.GenerationRequest;
import dev.stoa.api.generation.TextGenerator;
import dev.stoa.api.generation.TokenListener;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A model of an OpenAI-compatible server as a {@link TextGenerator}, over the JDK's {@link HttpClient}.
 *
 * <p>A call is one POST; with a listener other than {@link TokenListener#NONE} it asks for {@code stream: true} and
 * hands each chunk's text to the listener as the server-sent events arrive. A timeout (no answer, or no head of a
 * streamed answer, within {@code timeoutMs}), a refused connection, HTTP 429 or 5xx is retried up to
 * {@code retries} times after {@code backoffMs}, doubled each time, but never once a streamed piece has reached the
 * listener (it would be repeated). Then the call fails with {@code TIMEOUT}, {@code UNAVAILABLE} or
 * {@code OVERLOADED}, naming the endpoint and the attempts. Other 4xx answers are not retried: they fail at once with
 * the server's own message ({@code BAD_CONFIG} for 401, 403 and 404, which a configuration fixes; {@code BAD_INPUT}
 * otherwise). A reply that is not the API's JSON fails with {@code INTERNAL}, quoting its start.
 *
 * <p>{@code tokens} is the server's {@code usage.completion_tokens} when it sends one; otherwise the number of
 * streamed chunks that carried text, or 0 for an answer without usage.
 */
final class OpenAiGenerator implements TextGenerator {

    private static final Logger LOG = LoggerFactory.getLogger(OpenAiGenerator.class);

    private final EndpointSettings settings;
    private final OpenAiProtocol protocol;
    private final HttpClient client;

    OpenAiGenerator(EndpointSettings settings) {
        this.settings = settings;
        this.protocol = new OpenAiProtocol(settings);
        this.client = HttpClient.newBuilder().connectTimeout(settings.timeout()).build();
    }

    @Override
    public Generation generate(GenerationRequest request, TokenListener listener) {
        boolean stream = listener != TokenListener.NONE;
        String body = protocol.body(request, stream).encode();
        StreamState state = new StreamState(listener);
        for (int attempt = 0; ; attempt++) {
            try {
                return stream ? streamOnce(body, state) : once(body);
            } catch (Retryable e) {
                if (attempt >= settings.retries() || state.delivered > 0) {
                    throw e.failure(attempt + 1, state.delivered > 0);
                }
                long wait = settings.backoff().toMillis() << Math.min(attempt, 20);
                LOG.warn(
                        "{}: attempt {} of {} failed ({}); retrying in {} ms",
                        settings.id(),
                        attempt + 1,
                        settings.retries() + 1,
                        e.getMessage(),
                        wait);
                sleep(wait);
            }
        }
    }

    private Generation once(String body) {
        HttpResponse<String> response = send(body, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8), true);
        checkStatus(response.statusCode(), response.body());
        OpenAiProtocol.Reply reply = protocol.parse(response.body(), false);
        return new Generation(
                reply.text(),
                reply.completionTokens() == null ? 0 : reply.completionTokens(),
                OpenAiProtocol.finishReason(reply.finishReason()),
                settings.model(),
                true);
    }

    /** What a streamed call has handed over so far, across attempts. */
    private static final class StreamState {
        final TokenListener listener;
        int delivered;

        StreamState(TokenListener listener) {
            this.listener = listener;
        }
    }

    private Generation streamOnce(String body, StreamState state) {
        HttpResponse<InputStream> response = send(body, HttpResponse.BodyHandlers.ofInputStream(), false);
        if (response.statusCode() / 100 != 2) {
            String error;
            try (InputStream in = response.body()) {
                error = new String(in.readNBytes(64 * 1024), StandardCharsets.UTF_8);
            } catch (IOException e) {
                error = "";
            }
            checkStatus(response.statusCode(), error);
        }
        StringBuilder text = new StringBuilder();
        String finish = null;
        Integer tokens = null;
        boolean done = false;
        try (Stream<String> lines =
                new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8)).lines()) {
            Iterator<String> it = lines.iterator();
            while (it.hasNext()) {
                String line = it.next();
                if (!line.startsWith("data:")) {
                    continue; // blank separators, comments (": keep-alive"), event: and id: lines
                }
                String data = line.substring(5).strip();
                if (data.equals("[DONE]")) {
                    done = true;
                    break;
                }
                OpenAiProtocol.Reply chunk = protocol.parse(data, true);
                if (!chunk.text().isEmpty()) {
                    text.append(chunk.text());
                    state.delivered++;
                    state.listener.onToken(chunk.text());
                }
                finish = chunk.finishReason() != null ? chunk.finishReason() : finish;
                tokens = chunk.completionTokens() != null ? chunk.completionTokens() : tokens;
            }
        } catch (UncheckedIOException e) {
            throw new Retryable(
                    FailureCode.UNAVAILABLE, "the stream broke (" + e.getCause().getMessage() + ")");
        }
        if (!done && finish == null) {
            throw new Retryable(FailureCode.UNAVAILABLE, "the stream ended without [DONE] or a finish_reason");
        }
        return new Generation(
                text.toString(),
                tokens == null ? state.delivered : tokens,
                OpenAiProtocol.finishReason(finish),
                settings.model(),
                true);
    }

    private <T> HttpResponse<T> send(String body, HttpResponse.BodyHandler<T> handler, boolean wholeAnswer) {
        HttpRequest.Builder request = HttpRequest.newBuilder(settings.url())
                .timeout(settings.timeout())
                .header("Content-Type", "application/json")
                .header("Accept", wholeAnswer ? "application/json" : "text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (!settings.apiKey().isEmpty()) {
            request.header("Authorization", "Bearer " + settings.apiKey());
        }
        CompletableFuture<HttpResponse<T>> future = client.sendAsync(request.build(), handler);
        try {
            // the request timeout covers the head of the answer; the whole answer gets the same bound here
            return future.get(settings.timeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new Retryable(
                    FailureCode.TIMEOUT,
                    "no answer within " + settings.timeout().toMillis() + " ms");
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new StoaException(FailureCode.UNAVAILABLE, "the call to " + settings.url() + " was interrupted");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof HttpTimeoutException) {
                throw new Retryable(
                        FailureCode.TIMEOUT,
                        "no answer within " + settings.timeout().toMillis() + " ms");
            }
            if (cause instanceof IOException || cause instanceof InterruptedIOException) {
                throw new Retryable(FailureCode.UNAVAILABLE, "cannot reach it (" + cause + ")");
            }
            throw new StoaException(FailureCode.INTERNAL, "the call to " + settings.url() + " failed: " + cause, cause);
        }
    }

    private void checkStatus(int status, String body) {
        if (status / 100 == 2) {
            return;
        }
        String message = OpenAiProtocol.serverMessage(body);
        if (status == 429) {
            throw new Retryable(FailureCode.OVERLOADED, "HTTP 429 (rate limited): " + message);
        }
        if (status >= 500) {
            throw new Retryable(FailureCode.UNAVAILABLE, "HTTP " + status + ": " + message);
        }
        FailureCode code =
                status == 401 || status == 403 || status == 404 ? FailureCode.BAD_CONFIG : FailureCode.BAD_INPUT;
        String fix = switch (status) {
            case 401, 403 -> "; check the API key (apiKeyEnv or .apiKey) in etc/" + OpenAiConfig.FACTORY_PID + "-*.cfg";
            case 404 -> "; check baseUrl and model in etc/" + OpenAiConfig.FACTORY_PID + "-*.cfg";
            default -> "";
        };
        throw new StoaException(
                code,
                "the remote LLM at " + settings.url() + " (" + settings.id() + ") refused the" + " request with HTTP "
                        + status + ": " + message + fix);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoaException(FailureCode.UNAVAILABLE, "interrupted while waiting to retry");
        }
    }

    /** A failure worth another attempt; becomes a {@link StoaException} when the attempts run out. */
    private final class Retryable extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final FailureCode code;

        Retryable(FailureCode code, String message) {
            super(message, null, false, false);
            this.code = code;
        }

        StoaException failure(int attempts, boolean streamed) {
            String fix = switch (code) {
                case TIMEOUT -> "; raise timeoutMs in etc/" + OpenAiConfig.FACTORY_PID + "-*.cfg or check the server";
                case OVERLOADED -> "; retry later, or raise retries and backoffMs";
                default -> "; check that the server runs and baseUrl is right";
            };
            return new StoaException(
                    code,
                    "the remote LLM at " + settings.url() + " (" + settings.id() + ") failed"
                            + " after " + attempts + (attempts == 1 ? " attempt" : " attempts")
                            + (streamed ? " (not retried: part of the answer was already streamed)" : "") + ": "
                            + getMessage() + fix);
        }
    }

    @Override
    public String toString() {
        return "OpenAiGenerator[" + settings.id() + " -> " + settings.url() + ", " + settings.model() + "]";
    }
}
