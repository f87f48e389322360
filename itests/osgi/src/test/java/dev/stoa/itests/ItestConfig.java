package dev.stoa.itests;

import java.io.IOException;
import java.io.Reader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Properties;

/**
 * Edits of a test container's {@code etc/*.cfg} files, made as an operator makes them: lines appended to the file
 * before the framework starts (from {@code buildBundles}, outside the framework), read back inside it.
 */
final class ItestConfig {

    private ItestConfig() {}

    /** Appends {@code lines} to {@code etc/<pid>.cfg} of the work folder that holds {@code bundlesDir}. */
    static void append(Path bundlesDir, String pid, String... lines) throws IOException {
        Path cfg = bundlesDir.resolveSibling("etc").resolve(pid + ".cfg");
        Files.writeString(
                cfg,
                "\n" + String.join("\n", lines) + "\n",
                StandardCharsets.UTF_8,
                StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
    }

    /** @return a key of {@code etc/<pid>.cfg} under {@code home} */
    static String read(String home, String pid, String key) throws IOException {
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(Path.of(home, "etc", pid + ".cfg"))) {
            p.load(in);
        }
        return p.getProperty(key);
    }

    /** @return a TCP port free now on loopback */
    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
