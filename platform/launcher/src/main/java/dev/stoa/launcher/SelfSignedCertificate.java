package dev.stoa.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Makes a self-signed certificate and its private key as the two PEM files the gateway and the TCP bridge read
 * ({@code tlsCertFile}, {@code tlsKeyFile}): {@code bin/stoa tls-cert} writes them for a first TLS setup, and the
 * tests make theirs the same way. The key pair comes from the JDK's own {@code keytool} (RSA 2048, SHA-256, the
 * given names as subject alternative names); this class reads keytool's PKCS#12 store and writes the certificate
 * ({@code CERTIFICATE}) and the unencrypted PKCS#8 key ({@code PRIVATE KEY}, readable by its owner only). No
 * library beyond the JDK, and no key is kept anywhere else: the store is deleted.
 *
 * <p>A self-signed certificate is for trying TLS out and for machines that trust it explicitly (the CLI trusts the
 * configured one); a server others reach should have a certificate from a CA they trust.
 */
public final class SelfSignedCertificate {

    private static final String ALIAS = "stoa";
    /** Only for the temporary store, deleted before this returns. */
    private static final char[] STORE_PASSWORD = "stoa-temporary".toCharArray();

    private SelfSignedCertificate() {}

    /**
     * Writes a new self-signed certificate and its key.
     *
     * @param cert the certificate's PEM file to write (its folder is created)
     * @param key the private key's PEM file to write (its folder is created)
     * @param names DNS names and IP addresses the certificate is for, the first also its common name, e.g.
     *     {@code localhost}, {@code 127.0.0.1}
     * @param days how long it is valid
     * @throws IOException when keytool fails or a file cannot be written
     */
    public static void write(Path cert, Path key, List<String> names, int days) throws IOException {
        if (names.isEmpty()) {
            throw new IllegalArgumentException("give at least one name (e.g. localhost) for the certificate");
        }
        if (days < 1) {
            throw new IllegalArgumentException("days=" + days + ": a certificate must be valid for at least a day");
        }
        Path dir = Files.createTempDirectory("stoa-tls");
        Path store = dir.resolve("store.p12");
        try {
            keytool(store, names, days);
            KeyStore keys = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(store)) {
                keys.load(in, STORE_PASSWORD);
            }
            Certificate certificate = keys.getCertificate(ALIAS);
            Key privateKey = keys.getKey(ALIAS, STORE_PASSWORD);
            createParent(cert);
            createParent(key);
            Files.writeString(cert, pem("CERTIFICATE", certificate.getEncoded()), StandardCharsets.US_ASCII);
            // PKCS#8, the "PRIVATE KEY" form every PEM reader knows (Vert.x, OpenSSL, Netty)
            Files.deleteIfExists(key);
            Files.createFile(key);
            ownerOnly(key);
            Files.writeString(key, pem("PRIVATE KEY", privateKey.getEncoded()), StandardCharsets.US_ASCII);
        } catch (GeneralSecurityException e) {
            throw new IOException("keytool's store could not be read: " + e.getMessage(), e);
        } finally {
            Files.deleteIfExists(store);
            Files.deleteIfExists(dir);
        }
    }

    private static void keytool(Path store, List<String> names, int days) throws IOException {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        List<String> san = new ArrayList<>();
        for (String name : names) {
            san.add((isIpAddress(name) ? "ip:" : "dns:") + name);
        }
        List<String> command = List.of(
                keytool.toString(),
                "-genkeypair",
                "-alias",
                ALIAS,
                "-keyalg",
                "RSA",
                "-keysize",
                "2048",
                "-sigalg",
                "SHA256withRSA",
                "-validity",
                Integer.toString(days),
                "-dname",
                "CN=" + names.get(0),
                "-ext",
                "SAN=" + String.join(",", san),
                "-storetype",
                "PKCS12",
                "-keystore",
                store.toString(),
                "-storepass",
                new String(STORE_PASSWORD),
                "-keypass",
                new String(STORE_PASSWORD));
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IOException(
                    "the JDK's keytool could not be started (" + keytool + "): " + e.getMessage()
                            + "; run Stoa on a Java runtime that has bin/keytool, or make the PEM files with openssl",
                    e);
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException("keytool did not finish within 60 s");
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while keytool ran", e);
        }
        if (process.exitValue() != 0) {
            throw new IOException("keytool failed (exit " + process.exitValue() + "): " + output.strip());
        }
    }

    static boolean isIpAddress(String name) {
        return name.matches("[0-9.]+") || name.contains(":");
    }

    /** @return the DER bytes as a PEM block of the given type, 64 base64 characters a line */
    static String pem(String type, byte[] der) {
        String base64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der);
        return "-----BEGIN " + type + "-----\n" + base64 + "\n-----END " + type + "-----\n";
    }

    private static void createParent(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
    }

    private static void ownerOnly(Path file) throws IOException {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException | FileSystemException e) {
            // not a POSIX file system: its own permissions apply
        }
    }
}
