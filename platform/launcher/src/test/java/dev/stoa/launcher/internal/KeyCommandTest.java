package dev.stoa.launcher.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyCommandTest {

    @TempDir
    Path etc;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) throws Exception {
        out.reset();
        err.reset();
        return new KeyCommand(() -> etc)
                .run(
                        List.of(args),
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void addPrintsTheKeyOnceAndStoresOnlyItsHashOwnerOnly() throws Exception {
        assertThat(run("key-add-typo")).isEqualTo(CommandLine.USAGE_ERROR);
        assertThat(run("add", "ci", "--scopes", "call,write", "--services", "texts.*"))
                .isZero();
        String key = out.toString(StandardCharsets.UTF_8).strip();
        assertThat(key).matches("stoa_[A-Za-z0-9_-]{43}");
        Path file = etc.resolve("keys.properties");
        String text = Files.readString(file);
        assertThat(text)
                .doesNotContain(key)
                .contains("ci = " + KeyCommand.sha256(key) + "; scopes=call,write;" + " services=texts.*");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-------");
        // SHA-256 of "abc", the FIPS 180-2 test vector: the server reads the same form
        assertThat(KeyCommand.sha256("abc"))
                .isEqualTo("sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");

        assertThat(run("add", "ci", "--scopes", "call")).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("exists");
        assertThat(run("add", "x", "--scopes", "root")).isEqualTo(CommandLine.USAGE_ERROR);
        assertThat(run("add", "y")).isEqualTo(CommandLine.USAGE_ERROR);
        assertThat(run("add", "ops", "--scopes", "admin")).isZero();

        assertThat(run("list")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8))
                .contains("ci  scopes=call,write; services=texts.*")
                .contains("ops  scopes=admin")
                .doesNotContain("sha256");

        assertThat(run("remove", "ci")).isZero();
        assertThat(Files.readString(file)).doesNotContain("ci =").contains("ops =");
        assertThat(run("remove", "ci")).isEqualTo(1);
    }

    @Test
    void theCliSendsTheLocalKeyOnlyToLoopbackAndAnExplicitKeyAnywhere() throws Exception {
        Path home = etc;
        Files.createDirectories(home.resolve("data"));
        Files.writeString(home.resolve("data/local-admin.key"), "stoa_local\n");
        Map<String, String> none = Map.of();
        assertThat(ServerClient.apiKey(URI.create("http://127.0.0.1:8080"), none::get, home.toString()))
                .isEqualTo("stoa_local");
        assertThat(ServerClient.apiKey(URI.create("http://localhost:9"), none::get, home.toString()))
                .isEqualTo("stoa_local");
        assertThat(ServerClient.apiKey(URI.create("http://stoa.example:8080"), none::get, home.toString()))
                .isNull();
        Map<String, String> env = Map.of("STOA_API_KEY", "stoa_explicit");
        assertThat(ServerClient.apiKey(URI.create("http://stoa.example:8080"), env::get, home.toString()))
                .isEqualTo("stoa_explicit");
        assertThat(ServerClient.apiKey(URI.create("http://127.0.0.1:8080"), none::get, null))
                .isNull();
    }
}
