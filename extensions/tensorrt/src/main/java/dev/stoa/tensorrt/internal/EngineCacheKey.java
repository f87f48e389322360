package dev.stoa.tensorrt.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The name of a cached engine: a serialized TensorRT engine is valid only for the graph it was built from, the
 * TensorRT version that built it and the GPU architecture it was tuned for, and differs with precision and profile;
 * the key is the SHA-256 of all five, so that a change of any one builds a new engine.
 */
final class EngineCacheKey {

    private EngineCacheKey() {}

    /**
     * @param onnxSha256 the ONNX file's SHA-256, hex ({@link #sha256(Path)})
     * @param tensorRtVersion e.g. {@code 11.2.1}
     * @param computeCapability the GPU's, e.g. {@code 9.0}
     * @param precision the build's precision
     * @param profile the profile's description ({@link ProfileShapes#describe})
     * @return 64 hex digits
     */
    static String of(
            String onnxSha256, String tensorRtVersion, String computeCapability, Precision precision, String profile) {
        String text = "onnx=" + onnxSha256 + "\ntensorrt=" + tensorRtVersion + "\ncompute=" + computeCapability
                + "\nprecision=" + precision.label() + "\nprofile=" + profile + "\n";
        return HexFormat.of().formatHex(digest().digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * @param file a file
     * @return its SHA-256, hex
     * @throws IOException when it cannot be read
     */
    static String sha256(Path file) throws IOException {
        MessageDigest digest = digest();
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
