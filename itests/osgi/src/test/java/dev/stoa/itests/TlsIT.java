package dev.stoa.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import dev.stoa.launcher.SelfSignedCertificate;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/**
 * TLS as the README sets it up: a self-signed pair in {@code etc/tls/} made as {@code bin/stoa tls-cert} makes it,
 * named by {@code tlsCertFile}/{@code tlsKeyFile} in {@code etc/dev.stoa.gateway.cfg} and
 * {@code etc/dev.stoa.bridge.cfg}. The gateway answers https with that certificate and refuses plain http; the
 * bridge speaks its frames over TLS.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class TlsIT extends StoaTestSupport {

    @Override
    protected void buildBundles(Path dir) throws IOException {
        Path etc = dir.resolveSibling("etc");
        SelfSignedCertificate.write(
                etc.resolve("tls/cert.pem"), etc.resolve("tls/key.pem"), List.of("localhost", "127.0.0.1"), 2);
        ItestConfig.append(dir, "dev.stoa.gateway", "tlsCertFile = etc/tls/cert.pem", "tlsKeyFile = etc/tls/key.pem");
        ItestConfig.append(
                dir,
                "dev.stoa.bridge",
                "permitted = test\\\\.tls\\\\..*",
                "port = " + ItestConfig.freePort(),
                "tlsCertFile = etc/tls/cert.pem",
                "tlsKeyFile = etc/tls/key.pem");
    }

    private SSLContext trustingTheCertificate() throws Exception {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        try (InputStream in = Files.newInputStream(Path.of(context.getProperty("stoa.home"), "etc/tls/cert.pem"))) {
            store.setCertificateEntry(
                    "stoa", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, trust.getTrustManagers(), null);
        return tls;
    }

    @Test
    public void httpsAnswersWithTheConfiguredCertificateAndPlainHttpFails() throws Exception {
        String port = context.getProperty("stoa.http.port");
        HttpClient https = HttpClient.newBuilder()
                .sslContext(trustingTheCertificate())
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        HttpRequest live = HttpRequest.newBuilder(URI.create("https://localhost:" + port + "/health/live"))
                .timeout(Duration.ofSeconds(10))
                .build();
        await("the gateway answering https", () -> {
            try {
                return https.send(live, HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
            } catch (IOException | InterruptedException e) {
                return false;
            }
        });
        HttpResponse<String> services = https.send(
                HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + "/v1/services"))
                        .timeout(Duration.ofSeconds(30))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(services.body(), 200, services.statusCode());
        assertTrue(services.body(), services.body().trim().startsWith("["));

        try {
            HttpResponse<String> plain = HttpClient.newBuilder()
                    .connectTimeout(Duration.ofSeconds(5))
                    .build()
                    .send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/live"))
                                    .timeout(Duration.ofSeconds(10))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            fail("plain http to the TLS port was answered " + plain.statusCode());
        } catch (IOException expected) {
            // the TLS server closes a connection that does not start a handshake
        }
    }

    @Test
    public void theBridgeSpeaksOverTls() throws Exception {
        Vertx vertx = service(Vertx.class);
        vertx.eventBus().<JsonObject>consumer("test.tls.echo", m -> m.reply(m.body()));
        int port = Integer.parseInt(ItestConfig.read(context.getProperty("stoa.home"), "dev.stoa.bridge", "port"));
        SSLContext tls = trustingTheCertificate();
        await("the bridge listening", () -> {
            try (SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket("127.0.0.1", port)) {
                s.startHandshake();
                return true;
            } catch (IOException e) {
                return false;
            }
        });
        try (SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket("127.0.0.1", port)) {
            socket.setSoTimeout(30_000);
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            DataInputStream in = new DataInputStream(socket.getInputStream());
            BridgeFrames.write(
                    out,
                    new JsonObject()
                            .put("type", "send")
                            .put("address", "test.tls.echo")
                            .put("replyAddress", "r-1")
                            .put("body", new JsonObject().put("text", "over tls")));
            JsonObject reply = BridgeFrames.read(in);
            assertEquals(reply.encode(), "r-1", reply.getString("address"));
            assertEquals("over tls", reply.getJsonObject("body").getString("text"));
        }
        try (java.net.Socket plain = new java.net.Socket("127.0.0.1", port)) {
            plain.setSoTimeout(30_000);
            BridgeFrames.write(new DataOutputStream(plain.getOutputStream()), new JsonObject().put("type", "ping"));
            assertTrue("a plain frame to the TLS bridge gets no answer", BridgeFrames.closed(plain.getInputStream()));
        }
    }
}
