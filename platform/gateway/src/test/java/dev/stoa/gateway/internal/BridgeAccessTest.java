package dev.stoa.gateway.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoa.api.FailureCode;
import dev.stoa.api.metrics.PrometheusText;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetServerOptions;
import io.vertx.ext.bridge.BridgeOptions;
import io.vertx.ext.bridge.PermittedOptions;
import io.vertx.ext.eventbus.bridge.tcp.TcpEventBusBridge;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The TCP bridge with its key check, on a real Vert.x bridge over a real socket, speaking the framed protocol. */
class BridgeAccessTest {

    @TempDir
    Path home;

    private Vertx vertx;
    private KeyAuthenticator keys;
    private TcpEventBusBridge bridge;
    private int port;
    private String reader;
    private String writer;

    @BeforeEach
    void start() throws Exception {
        reader = ApiKeys.newKey();
        writer = ApiKeys.newKey();
        Files.createDirectories(home.resolve("etc"));
        Files.write(
                home.resolve("etc/keys.properties"),
                List.of(
                        ApiKeys.line("reader", reader, Set.of("call"), List.of()),
                        ApiKeys.line("writer", writer, Set.of("write"), List.of())));
        keys = new KeyAuthenticator(home, "etc/keys.properties", false, "", 100);
        vertx = Vertx.vertx();
        // each service answers with the names of the headers it was sent
        for (String address : new String[] {"stoa.service.echo", "stoa.store.vectors.docs.delete"}) {
            vertx.eventBus()
                    .<Object>consumer(
                            address,
                            m -> m.reply(new JsonObject()
                                    .put("address", address)
                                    .put(
                                            "headers",
                                            new JsonArray(
                                                    List.copyOf(m.headers().names())))));
        }
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        bridge = TcpEventBusBridge.create(
                        vertx,
                        new BridgeOptions().addInboundPermitted(new PermittedOptions().setAddressRegex("stoa\\..*")),
                        new NetServerOptions(),
                        new BridgeAccess(() -> keys, id -> id.endsWith(".delete")))
                .listen(port, "127.0.0.1")
                .await();
    }

    @AfterEach
    void stop() {
        keys.deactivate();
        vertx.close().await();
    }

    @Test
    void framesNeedAKeyWithTheScopeTheAddressNeedsAndTheKeyIsNotPassedOn() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            DataInputStream in = new DataInputStream(socket.getInputStream());

            send(out, "stoa.service.echo", "r1", reader);
            JsonObject ok = read(in);
            assertThat(ok.getString("address")).isEqualTo("r1");
            assertThat(ok.getJsonObject("body").getString("address")).isEqualTo("stoa.service.echo");
            assertThat(ok.getJsonObject("body").getJsonArray("headers").getList())
                    .contains("trace")
                    .noneMatch(h -> h.toString().equalsIgnoreCase("Authorization"));

            send(out, "stoa.service.echo", "r2", null);
            JsonObject missing = read(in);
            assertThat(missing.getString("address")).isEqualTo("r2");
            assertThat(missing.getInteger("failureCode")).isEqualTo(FailureCode.UNAUTHORIZED.code());
            assertThat(missing.getString("message")).contains("\"Authorization\": \"Bearer <key>\"");
            assertThat(read(in).getString("type")).isEqualTo("err"); // the bridge's own refusal frame

            send(out, "stoa.store.vectors.docs.delete", "r3", reader);
            JsonObject scope = read(in);
            assertThat(scope.getInteger("failureCode")).isEqualTo(FailureCode.FORBIDDEN.code());
            assertThat(scope.getString("message")).contains("'write' scope");
            assertThat(read(in).getString("type")).isEqualTo("err");

            send(out, "stoa.store.vectors.docs.delete", "r4", "stoa_unknown");
            assertThat(read(in).getInteger("failureCode")).isEqualTo(FailureCode.UNAUTHORIZED.code());
            assertThat(read(in).getString("type")).isEqualTo("err");

            send(out, "stoa.store.vectors.docs.delete", "r5", writer);
            JsonObject written = read(in);
            assertThat(written.getString("address")).isEqualTo("r5");
            assertThat(written.getJsonObject("body").getString("address")).isEqualTo("stoa.store.vectors.docs.delete");
        }
        PrometheusText text = new PrometheusText();
        keys.writeTo(text);
        assertThat(text.toString())
                .contains("stoa_auth_refusals_total{door=\"bridge\",reason=\"missing_key\"} 1")
                .contains("stoa_auth_refusals_total{door=\"bridge\",reason=\"scope\"} 1")
                .contains("stoa_auth_refusals_total{door=\"bridge\",reason=\"unknown_key\"} 1");
    }

    private static void send(DataOutputStream out, String address, String replyAddress, String key) throws Exception {
        JsonObject headers = new JsonObject().put("trace", "t");
        if (key != null) {
            headers.put("Authorization", "Bearer " + key);
        }
        byte[] frame = new JsonObject()
                .put("type", "send")
                .put("address", address)
                .put("replyAddress", replyAddress)
                .put("headers", headers)
                .put("body", new JsonObject())
                .encode()
                .getBytes(StandardCharsets.UTF_8);
        out.writeInt(frame.length);
        out.write(frame);
        out.flush();
    }

    private static JsonObject read(DataInputStream in) throws Exception {
        byte[] frame = new byte[in.readInt()];
        in.readFully(frame);
        return new JsonObject(new String(frame, StandardCharsets.UTF_8));
    }
}
