package dev.stoa.launcher.internal;

/**
 * Keeps JavaCPP's extracted native libraries (Tesseract, Leptonica, from lib/) inside the installation, as
 * {@link DjlSetup} does for DJL's, instead of the user's {@code ~/.javacpp/cache}. JavaCPP's {@code Loader} reads
 * the system property {@code org.bytedeco.javacpp.cachedir} when it first extracts a library; one the user gave
 * is left alone.
 */
final class JavaCppSetup {

    static final String CACHE_DIR = "org.bytedeco.javacpp.cachedir";

    private JavaCppSetup() {}

    /** @param home the installation whose {@code data/javacpp} becomes the cache */
    static void configure(StoaHome home) {
        if (System.getProperty(CACHE_DIR) == null) {
            System.setProperty(CACHE_DIR, home.data().resolve("javacpp").toString());
        }
    }
}
