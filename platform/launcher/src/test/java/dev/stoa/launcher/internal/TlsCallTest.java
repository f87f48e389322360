package dev.stoa.launcher.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/stoa tls-cert}'s files and the CLI over https: the JDK's own https server serves with the PEM pair
 * (read back with the JDK alone, so the files are checked independently of Vert.x), and {@code stoa call} reaches it
 * by trusting the certificate that the installation's gateway configuration names, or {@code STOA_CACERT}.
 */
class TlsCallTest {

    @TempDir
    Path home;

    private HttpsServer server;
    private Path cert;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void start() throws Exception {
        int code = new TlsCertCommand()
                .run(
                        List.of("--dir", home.resolve("etc/tls").toString()),
                        new PrintStream(out, true),
                        new PrintStream(err, true));
        assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
        cert = home.resolve("etc/tls/cert.pem");
        Path key = home.resolve("etc/tls/key.pem");
        assertThat(Files.readString(cert)).startsWith("-----BEGIN CERTIFICATE-----\n");
        assertThat(Files.readString(key)).startsWith("-----BEGIN PRIVATE KEY-----\n");
        if (Files.getFileStore(key).supportsFileAttributeView("posix")) {
            assertThat(Files.getPosixFilePermissions(key))
                    .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        }

        server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(serverContext(cert, key)));
        server.createContext("/v1/pipelines", ex -> {
            byte[] bytes = "[]".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, bytes.length);
            ex.getResponseBody().write(bytes);
            ex.close();
        });
        server.createContext("/v1/services", ex -> {
            byte[] bytes = "{\"text\": \"HELLO\"}".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, bytes.length);
            ex.getResponseBody().write(bytes);
            ex.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void theCertificateNamesLocalhostAndTheLoopbackAddress() throws Exception {
        X509Certificate x509;
        try (InputStream in = Files.newInputStream(cert)) {
            x509 = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        assertThat(x509.getSubjectX500Principal().getName()).isEqualTo("CN=localhost");
        assertThat(x509.getSubjectAlternativeNames().stream()
                        .map(entry -> String.valueOf(entry.get(1)))
                        .toList())
                .containsExactlyInAnyOrder("localhost", "127.0.0.1");
        x509.checkValidity();
    }

    @Test
    void callTrustsTheCertificateTheLocalGatewayIsConfiguredWith() throws Exception {
        Files.writeString(
                home.resolve("etc/dev.stoa.gateway.cfg"),
                "tlsCertFile = etc/tls/cert.pem\ntlsKeyFile = etc/tls/key.pem\n");
        Map<String, String> env = Map.of(
                "STOA_HOME",
                home.toString(),
                "STOA_HTTP_PORT",
                Integer.toString(server.getAddress().getPort()));
        assertThat(ServerClient.locate(null, env::get).getScheme()).isEqualTo("https");
        int code = new CallCommand(env::get)
                .run(List.of("shout", "--text", "hello"), new PrintStream(out, true), new PrintStream(err, true));
        assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("\"text\": \"HELLO\"");
    }

    @Test
    void anExplicitCaCertWorksForAnyUrl() throws Exception {
        Map<String, String> env = Map.of("STOA_CACERT", cert.toString());
        String url = "https://localhost:" + server.getAddress().getPort();
        int code = new CallCommand(env::get)
                .run(
                        List.of("shout", "--text", "hello", "--url", url),
                        new PrintStream(out, true),
                        new PrintStream(err, true));
        assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
    }

    @Test
    void withoutTrustTheFailureSaysWhatToSet() throws Exception {
        String url = "https://127.0.0.1:" + server.getAddress().getPort();
        int code = new CallCommand(name -> null)
                .run(
                        List.of("shout", "--text", "hello", "--url", url),
                        new PrintStream(out, true),
                        new PrintStream(err, true));
        assertThat(code).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("TLS with").contains("STOA_CACERT");
    }

    @Test
    void existingFilesAreKeptWithoutForce() throws Exception {
        String before = Files.readString(cert);
        int code = new TlsCertCommand()
                .run(
                        List.of("--dir", home.resolve("etc/tls").toString()),
                        new PrintStream(out, true),
                        new PrintStream(err, true));
        assertThat(code).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--force");
        assertThat(Files.readString(cert)).isEqualTo(before);
    }

    /** The PEM pair read with the JDK alone: X.509 certificate, PKCS#8 RSA key. */
    private static SSLContext serverContext(Path cert, Path key) throws Exception {
        Certificate certificate;
        try (InputStream in = Files.newInputStream(cert)) {
            certificate = CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        String pem = Files.readString(key)
                .replace("-----BEGIN PRIVATE KEY-----", "")
                .replace("-----END PRIVATE KEY-----", "")
                .replaceAll("\\s", "");
        PrivateKey privateKey = KeyFactory.getInstance("RSA")
                .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pem)));
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("stoa", privateKey, "x".toCharArray(), new Certificate[] {certificate});
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, "x".toCharArray());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), null, null);
        return context;
    }
}
