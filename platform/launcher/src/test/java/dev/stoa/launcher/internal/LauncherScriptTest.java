package dev.stoa.launcher.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14: an OutOfMemoryError left a half-dead JVM (no {@code -XX:+ExitOnOutOfMemoryError}, no heap limit).
 * {@code bin/stoa} is run with a stand-in {@code java} that prints its arguments, so the options the real JVM would
 * get are read back.
 */
@EnabledOnOs({OS.LINUX, OS.MAC})
class LauncherScriptTest {

    private static final Path SCRIPT = Path.of("../../distribution/src/main/dist/bin/stoa");

    @TempDir
    Path dir;

    @Test
    void theJvmExitsOnOutOfMemoryAndHasAHeapLimitByDefault() throws Exception {
        assertThat(run(Map.of()).out()).startsWith("-XX:+ExitOnOutOfMemoryError -XX:MaxRAMPercentage=40 -cp ");
    }

    @Test
    void stoaHeapSetsASizeOrAShareOfMemory() throws Exception {
        assertThat(run(Map.of("STOA_HEAP", "4g")).out()).startsWith("-XX:+ExitOnOutOfMemoryError -Xmx4g -cp ");
        assertThat(run(Map.of("STOA_HEAP", "62.5%")).out())
                .startsWith("-XX:+ExitOnOutOfMemoryError -XX:MaxRAMPercentage=62.5 -cp ");
    }

    @Test
    void javaOptsComeLastSoTheUserWins() throws Exception {
        assertThat(run(Map.of("JAVA_OPTS", "-Xmx1g -XX:-ExitOnOutOfMemoryError"))
                        .out())
                .startsWith(
                        "-XX:+ExitOnOutOfMemoryError -XX:MaxRAMPercentage=40 -Xmx1g -XX:-ExitOnOutOfMemoryError -cp ");
    }

    @Test
    void aBadStoaHeapIsRefusedNamingTheVariableAndTheFix() throws Exception {
        Result r = run(Map.of("STOA_HEAP", "lots"));
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.out()).contains("STOA_HEAP is 'lots'").contains("4g").contains("50%");
    }

    private record Result(int status, String out) {}

    private Result run(Map<String, String> env) throws IOException, InterruptedException {
        Path home = dir.resolve("home");
        Files.createDirectories(home.resolve("bin"));
        Path script = home.resolve("bin/stoa");
        Files.copy(SCRIPT, script, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        script.toFile().setExecutable(true);
        Path javaHome = dir.resolve("jdk");
        Files.createDirectories(javaHome.resolve("bin"));
        Path java = javaHome.resolve("bin/java");
        Files.writeString(java, "#!/bin/sh\necho \"$@\"\n");
        java.toFile().setExecutable(true);
        ProcessBuilder pb = new ProcessBuilder("bash", script.toString()).redirectErrorStream(true);
        pb.environment().remove("JAVA_OPTS");
        pb.environment().remove("STOA_HEAP");
        pb.environment().put("JAVA_HOME", javaHome.toString());
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), out);
    }
}
