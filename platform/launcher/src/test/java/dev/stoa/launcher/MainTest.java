package dev.stoa.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @Test
    void unknownCommandIsAUsageError() {
        int status = execute("frobnicate");

        assertThat(status).isEqualTo(2);
        assertThat(text(err))
                .contains("unknown command 'frobnicate'")
                .contains("Usage: stoa")
                .contains("run");
        assertThat(text(out)).isEmpty();
    }

    @Test
    void helpListsTheCommands() {
        int status = execute("help");

        assertThat(status).isZero();
        assertThat(text(out)).contains("run ").contains("version ").contains("help ");
    }

    @Test
    void versionPrintsTheJavaRuntime() {
        int status = execute("version");

        assertThat(status).isZero();
        assertThat(text(out)).startsWith("Stoa ").contains(System.getProperty("java.version"));
    }

    @Test
    void extraArgumentsAreAUsageError() {
        assertThat(execute("version", "--verbose")).isEqualTo(2);
        assertThat(text(err)).contains("stoa version: takes no arguments");
    }

    @Test
    void runWithoutConfigFileFailsNamingTheFile(@TempDir Path home) {
        System.setProperty("stoa.home", home.toString());
        try {
            assertThat(execute("run")).isEqualTo(1);
            assertThat(text(err))
                    .contains("stoa run: no such file: ")
                    .contains(home.resolve("etc").resolve("config.properties").toString());
        } finally {
            System.clearProperty("stoa.home");
        }
    }

    private int execute(String... args) {
        return Main.execute(
                args,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private static String text(ByteArrayOutputStream stream) {
        return stream.toString(StandardCharsets.UTF_8);
    }
}
