package dev.stoa.gateway.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A route that Vert.x Web fails with a client status is answered with it, as JSON, never as 500 INTERNAL. */
class RoutingFailuresTest {

    private Vertx vertx;
    private HttpServer server;

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        Router router = Router.router(vertx);
        router.get("/v1/services/:id").handler(rc -> rc.response().end(rc.pathParam("id")));
        router.get("/coded").handler(rc -> rc.fail(new StoaException(FailureCode.BAD_INPUT, "'x': is wrong")));
        router.get("/client").handler(rc -> rc.fail(400, new IllegalArgumentException("cannot read")));
        router.get("/unsupported").handler(rc -> rc.fail(415));
        router.get("/bug").handler(rc -> {
            throw new IllegalStateException("a bug");
        });
        router.route().failureHandler(rc -> RoutingFailures.handle(rc, 1024));
        server = vertx.createHttpServer()
                .requestHandler(router)
                .listen(0, "127.0.0.1")
                .await(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    @Test
    void aClientStatusAHandlerFailsWithIsAnsweredAsJsonNotAsInternal() throws Exception {
        // what Vert.x Web's own handlers do with a request they cannot read (a body handler, a form decoder)
        String answer = raw("GET /client HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertThat(answer).startsWith("HTTP/1.1 400");
        assertThat(json(answer).getString("error")).isEqualTo("BAD_INPUT");
        assertThat(json(answer).getString("message")).contains("GET /client").contains("cannot read");
        String unsupported = raw("GET /unsupported HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertThat(unsupported).startsWith("HTTP/1.1 415");
        assertThat(json(unsupported).getInteger("code")).isEqualTo(415);
    }

    @Test
    void aPathThatIsNotValidPercentEncodingIsAClientError() throws Exception {
        // the router refuses it before any route, with its own plain 400
        String answer = raw("GET /v1/services/%ZZ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertThat(answer).startsWith("HTTP/1.1 400");
    }

    @Test
    void aStoaExceptionKeepsItsCodeAndABugIsInternal() throws Exception {
        String coded = raw("GET /coded HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertThat(coded).startsWith("HTTP/1.1 400");
        assertThat(json(coded).getString("message")).isEqualTo("'x': is wrong");
        String bug = raw("GET /bug HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertThat(bug).startsWith("HTTP/1.1 500");
        assertThat(json(bug).getString("error")).isEqualTo("INTERNAL");
    }

    /** Sends the request as written, so that no client re-encodes the path. */
    private String raw(String request) throws Exception {
        try (Socket s = new Socket("127.0.0.1", server.actualPort())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static JsonObject json(String answer) {
        return new JsonObject(answer.substring(answer.indexOf("\r\n\r\n") + 4));
    }
}
