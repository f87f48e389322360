package dev.stoa.launcher.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Function;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Which certificates the CLI trusts when it talks to an {@code https} server, and whether the local server speaks
 * https at all:
 * <ol>
 *   <li>{@code STOA_CACERT}: a PEM file of certificates to trust (a private CA's, or a server's self-signed one);</li>
 *   <li>else, run from an installation ({@code STOA_HOME}, which {@code bin/stoa} sets) whose
 *       {@code etc/dev.stoa.gateway.cfg} sets {@code tlsCertFile}: that certificate, so {@code bin/stoa call} works
 *       against its own server's self-signed certificate with nothing more to set;</li>
 *   <li>else the Java runtime's trusted CAs.</li>
 * </ol>
 * Only the named certificates are trusted in the first two cases, and the host name is checked against the
 * certificate as always (the self-signed one names {@code localhost} and {@code 127.0.0.1}).
 */
final class ServerTrust {

    static final String CACERT_ENV = "STOA_CACERT";
    private static final String GATEWAY_CFG = "etc/dev.stoa.gateway.cfg";

    private ServerTrust() {}

    /**
     * @param env the environment ({@code System::getenv} outside tests)
     * @return the TLS context to use, or empty for the Java runtime's default
     * @throws IllegalStateException when the named file cannot be read as PEM certificates, naming it
     */
    static Optional<SSLContext> context(Function<String, String> env) {
        String explicit = env.apply(CACERT_ENV);
        if (explicit != null && !explicit.isBlank()) {
            return Optional.of(trusting(Path.of(explicit.trim()), CACERT_ENV));
        }
        return localCertificate(env).map(cert -> trusting(cert, "tlsCertFile in " + GATEWAY_CFG));
    }

    /**
     * @return the certificate file the local installation's gateway is configured with, if it has TLS on
     */
    static Optional<Path> localCertificate(Function<String, String> env) {
        String home = env.apply("STOA_HOME");
        if (home == null || home.isBlank()) {
            return Optional.empty();
        }
        Path cfg = Path.of(home, GATEWAY_CFG);
        if (!Files.isReadable(cfg)) {
            return Optional.empty();
        }
        Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(cfg)) {
            properties.load(in);
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty();
        }
        String cert = properties.getProperty("tlsCertFile", "").trim();
        String key = properties.getProperty("tlsKeyFile", "").trim();
        if (cert.isEmpty() || key.isEmpty()) {
            return Optional.empty();
        }
        Path path = Path.of(cert);
        return Optional.of(path.isAbsolute() ? path : Path.of(home).resolve(path));
    }

    private static SSLContext trusting(Path pem, String source) {
        try (InputStream in = Files.newInputStream(pem)) {
            Collection<? extends Certificate> certificates =
                    CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (certificates.isEmpty()) {
                throw new IllegalStateException(pem + " (" + source + ") holds no certificate; give a PEM file with"
                        + " -----BEGIN CERTIFICATE----- blocks");
            }
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int i = 0;
            for (Certificate c : certificates) {
                store.setCertificateEntry("trusted-" + i++, c);
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot read the certificates to trust from " + pem + " (" + source + "): "
                    + e.getMessage() + "; give a PEM file of certificates");
        }
    }
}
