package dev.stoa.gateway.internal;

import io.vertx.core.net.PemKeyCertOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * TLS from two PEM files in the installation (a certificate chain and its private key), as the gateway and the TCP
 * bridge configure it: both set turns TLS on, neither leaves it off, one alone is a configuration error that names
 * the missing key. The files are read when the server starts; replacing them takes effect on the next restart of the
 * component (touch its .cfg file).
 */
final class PemTls {

    private PemTls() {}

    /**
     * @param certFile the configured certificate chain, empty for none
     * @param keyFile the configured private key, empty for none
     * @param home the installation folder that relative paths are read from ({@code stoa.home}); null: the working
     *     directory
     * @param cfg the configuration file that set them, for messages (e.g. {@code etc/dev.stoa.gateway.cfg})
     * @return the key and certificate options, or empty when TLS is off
     * @throws IllegalArgumentException when only one is set, or a file cannot be read, naming the key and the fix
     */
    static Optional<PemKeyCertOptions> keyCert(String certFile, String keyFile, String home, String cfg) {
        String cert = certFile == null ? "" : certFile.trim();
        String key = keyFile == null ? "" : keyFile.trim();
        if (cert.isEmpty() && key.isEmpty()) {
            return Optional.empty();
        }
        if (cert.isEmpty() || key.isEmpty()) {
            throw new IllegalArgumentException((cert.isEmpty() ? "tlsKeyFile" : "tlsCertFile") + " is set in " + cfg
                    + " but " + (cert.isEmpty() ? "tlsCertFile" : "tlsKeyFile") + " is not; set both (PEM files of"
                    + " the certificate chain and its private key) to turn TLS on, or neither to leave it off");
        }
        return Optional.of(new PemKeyCertOptions()
                .setCertPath(readable(cert, "tlsCertFile", home, cfg).toString())
                .setKeyPath(readable(key, "tlsKeyFile", home, cfg).toString()));
    }

    private static Path readable(String value, String name, String home, String cfg) {
        Path path = Path.of(value);
        if (!path.isAbsolute() && home != null && !home.isBlank()) {
            path = Path.of(home).resolve(path);
        }
        if (!Files.isReadable(path) || Files.isDirectory(path)) {
            throw new IllegalArgumentException(name + "=" + value + " in " + cfg + ": no readable file at " + path
                    + "; give a PEM file's path, absolute or relative to the installation folder"
                    + " (bin/stoa tls-cert writes a self-signed pair to etc/tls/)");
        }
        return path;
    }
}
