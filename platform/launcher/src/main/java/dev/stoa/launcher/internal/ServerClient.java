package dev.stoa.launcher.internal;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The CLI's side of the HTTP API: finds the running server ({@code --url}, else {@code STOA_URL}, else
 * {@code http://127.0.0.1:$STOA_HTTP_PORT}, else port 8080; {@code https} when the installation's gateway has TLS on)
 * and turns its JSON errors into one readable line. Over https it trusts what {@link ServerTrust} says.
 */
final class ServerClient {

    /** An API key the CLI sends to any server. */
    static final String KEY_ENV = "STOA_API_KEY";

    /** The local operator's admin key, which the server generates and the CLI sends to a loopback server. */
    static final String LOCAL_KEY = "data/local-admin.key";

    private final URI base;
    private final String key;
    private final HttpClient http;

    ServerClient(URI base) {
        this(base, System::getenv);
    }

    /** @param env the environment: the API key to send, the certificates to trust over https ({@link ServerTrust}) */
    ServerClient(URI base, java.util.function.Function<String, String> env) {
        this(base, env, apiKey(base, env, System.getProperty(StoaHome.PROPERTY)));
    }

    /** @param key the API key to send as {@code Authorization: Bearer}, or {@code null} for none */
    ServerClient(URI base, String key) {
        this(base, System::getenv, key);
    }

    private ServerClient(URI base, java.util.function.Function<String, String> env, String key) {
        this.base = base;
        this.key = key;
        HttpClient.Builder builder =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5));
        if ("https".equalsIgnoreCase(base.getScheme())) {
            ServerTrust.context(env).ifPresent(builder::sslContext);
        }
        this.http = builder.build();
    }

    /**
     * @return {@code STOA_API_KEY}, else for a server on this machine the local operator's key from
     *     {@code $STOA_HOME/data/local-admin.key} (never sent elsewhere), else {@code null}
     */
    static String apiKey(URI base, java.util.function.Function<String, String> env, String homeProperty) {
        String key = env.apply(KEY_ENV);
        if (key != null && !key.isBlank()) {
            return key.strip();
        }
        String host = base.getHost() == null ? "" : base.getHost();
        boolean loopback =
                host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]") || host.equals("::1");
        String home = homeProperty != null ? homeProperty : env.apply(StoaHome.ENVIRONMENT);
        if (!loopback || home == null || home.isBlank()) {
            return null;
        }
        try {
            java.nio.file.Path file = java.nio.file.Path.of(home).resolve(LOCAL_KEY);
            return java.nio.file.Files.isReadable(file)
                    ? java.nio.file.Files.readString(file).strip()
                    : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path));
        return key == null ? b : b.header("Authorization", "Bearer " + key);
    }

    /**
     * @param explicit the {@code --url} value, or {@code null}
     * @param env the environment ({@code System::getenv} outside tests)
     */
    static URI locate(String explicit, java.util.function.Function<String, String> env) {
        if (explicit != null) {
            return URI.create(explicit);
        }
        String url = env.apply("STOA_URL");
        if (url != null && !url.isBlank()) {
            return URI.create(url);
        }
        String port = env.apply("STOA_HTTP_PORT");
        // the local server speaks https when its etc/dev.stoa.gateway.cfg turns TLS on
        String scheme = ServerTrust.localCertificate(env).isPresent() ? "https" : "http";
        return URI.create(scheme + "://127.0.0.1:" + (port == null || port.isBlank() ? "8080" : port.trim()));
    }

    URI base() {
        return base;
    }

    JsonElement get(String path) throws IOException, InterruptedException, ServerError {
        return send(request(path).timeout(Duration.ofSeconds(30)).GET().build());
    }

    JsonElement post(String path, JsonObject body) throws IOException, InterruptedException, ServerError {
        return send(request(path)
                .timeout(Duration.ofMinutes(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                .build());
    }

    /**
     * Posts and reads the answer as it comes, one JSON object a line ({@code application/x-ndjson}).
     *
     * @param lines told each line, in order, as it arrives
     * @throws ServerError the server's error answer (before any line), or no server answering
     */
    void postLines(String path, JsonObject body, Consumer<JsonObject> lines)
            throws IOException, InterruptedException, ServerError {
        HttpRequest request = request(path)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                .build();
        HttpResponse<Stream<String>> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofLines());
        } catch (ConnectException e) {
            throw notAnswering();
        } catch (javax.net.ssl.SSLException e) {
            throw tlsFailed(e);
        }
        try (Stream<String> stream = response.body()) {
            if (response.statusCode() >= 400) {
                throw error(response.statusCode(), stream.collect(Collectors.joining("\n")));
            }
            for (String line : (Iterable<String>) stream::iterator) {
                if (!line.isBlank()) {
                    lines.accept(JsonParser.parseString(line).getAsJsonObject());
                }
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /**
     * Posts and reads the answer as server-sent events ({@code ?stream=true}): each event but the last is handed to
     * {@code pieces}; the {@code done} event's data is the answer.
     *
     * @param pieces told each piece's event name and data, in order, as it arrives
     * @return the {@code done} event's data
     * @throws ServerError the server's error answer (before the first event), an {@code error} event, or no server
     *     answering
     */
    JsonElement postEvents(String path, JsonObject body, java.util.function.BiConsumer<String, JsonObject> pieces)
            throws IOException, InterruptedException, ServerError {
        HttpRequest request = request(path)
                .header("Content-Type", "application/json")
                .header("Accept", "text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                .build();
        HttpResponse<Stream<String>> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofLines());
        } catch (ConnectException e) {
            throw notAnswering();
        } catch (javax.net.ssl.SSLException e) {
            throw tlsFailed(e);
        }
        try (Stream<String> stream = response.body()) {
            if (response.statusCode() >= 400) {
                throw error(response.statusCode(), stream.collect(Collectors.joining("\n")));
            }
            String event = "message";
            StringBuilder data = new StringBuilder();
            for (String line : (Iterable<String>) stream::iterator) {
                if (line.startsWith("event:")) {
                    event = line.substring(6).trim();
                } else if (line.startsWith("data:")) {
                    data.append(line.substring(5).trim());
                } else if (line.isEmpty() && !data.isEmpty()) {
                    JsonElement json = JsonParser.parseString(data.toString());
                    if ("done".equals(event)) {
                        return json;
                    }
                    if ("error".equals(event)) {
                        throw error(500, data.toString());
                    }
                    if (json.isJsonObject()) {
                        pieces.accept(event, json.getAsJsonObject());
                    }
                    event = "message";
                    data.setLength(0);
                }
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        throw new ServerError("the server ended the event stream of " + path + " before its answer (event: done)");
    }

    /**
     * @param timeout how long to wait for the answer, short where the caller can do without it
     * @return the answer of a GET
     */
    JsonElement get(String path, Duration timeout) throws IOException, InterruptedException, ServerError {
        return send(request(path).timeout(timeout).GET().build());
    }

    private ServerError notAnswering() {
        return new ServerError("no Stoa server answers at " + base + ": start one with bin/stoa, or point to it"
                + " with --url or STOA_URL");
    }

    private ServerError tlsFailed(javax.net.ssl.SSLException e) {
        return new ServerError("TLS with " + base + " failed (" + e.getMessage() + "): for a self-signed or private"
                + " certificate set " + ServerTrust.CACERT_ENV + " to its PEM file; for a plain-http server use an"
                + " http:// URL");
    }

    private ServerError error(int status, String body) {
        JsonObject o;
        try {
            JsonElement json = JsonParser.parseString(body);
            o = json.isJsonObject() ? json.getAsJsonObject() : new JsonObject();
        } catch (JsonParseException e) {
            o = new JsonObject();
        }
        String error = o.has("error") ? o.get("error").getAsString() : "HTTP " + status;
        String message = o.has("message") ? o.get("message").getAsString() : body;
        return new ServerError(error + ": " + message, error);
    }

    private JsonElement send(HttpRequest request) throws IOException, InterruptedException, ServerError {
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException e) {
            throw notAnswering();
        } catch (javax.net.ssl.SSLException e) {
            throw tlsFailed(e);
        }
        JsonElement json;
        try {
            json = JsonParser.parseString(response.body());
        } catch (JsonParseException e) {
            throw new ServerError("the server at " + base + " answered " + response.statusCode() + " with something"
                    + " that is not JSON; is it a Stoa server?");
        }
        if (response.statusCode() >= 400) {
            throw error(response.statusCode(), response.body());
        }
        return json;
    }

    /** A failure the server reported, or the server not answering: one line for the user. */
    static final class ServerError extends Exception {
        private static final long serialVersionUID = 1L;

        private final String code;

        ServerError(String message) {
            this(message, null);
        }

        ServerError(String message, String code) {
            super(message);
            this.code = code;
        }

        /** @return the server's failure code ({@code UNKNOWN_SERVICE}, ...), or null when no server answered */
        String code() {
            return code;
        }
    }
}
