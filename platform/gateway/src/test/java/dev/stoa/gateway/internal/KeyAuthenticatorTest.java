package dev.stoa.gateway.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoa.api.metrics.PrometheusText;
import dev.stoa.api.security.Authenticator;
import dev.stoa.api.security.Principal;
import dev.stoa.launcher.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyAuthenticatorTest {

    @TempDir
    Path home;

    private KeyAuthenticator keys;

    @AfterEach
    void stop() {
        if (keys != null) {
            keys.deactivate();
        }
    }

    @Test
    void theLocalOperatorKeyIsCreatedOwnerOnlyKeptAcrossStartsAndIsAdmin() throws Exception {
        keys = new KeyAuthenticator(home, "etc/keys.properties", false, "data/local-admin.key", 500);
        Path file = home.resolve("data/local-admin.key");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-------");
        String key = Files.readString(file).strip();
        Principal p = keys.authenticate(key).orElseThrow();
        assertThat(p.name()).isEqualTo(KeyAuthenticator.LOCAL_OPERATOR);
        assertThat(keys.allows(p, Authenticator.ADMIN, null)).isTrue();
        // it does not count as the operator having configured keys (exposing the port needs real ones)
        assertThat(keys.keysConfigured()).isFalse();
        keys.deactivate();
        keys = new KeyAuthenticator(home, "etc/keys.properties", false, "data/local-admin.key", 500);
        assertThat(Files.readString(file).strip()).isEqualTo(key);
        assertThat(keys.authenticate(key)).isPresent();
        assertThat(keys.authenticate(key + "x")).isEmpty();
        assertThat(keys.authenticate("")).isEmpty();
    }

    /** The launcher's `stoa key add` writes what the server reads; `stoa key remove` revokes within 2 s. */
    @Test
    void keysAddedAndRemovedWithTheCommandLineApplyWhileRunning() throws Exception {
        Files.createDirectories(home.resolve("etc"));
        keys = new KeyAuthenticator(home, "etc/keys.properties", false, "", 200);
        assertThat(keys.keysConfigured()).isFalse();
        System.setProperty("stoa.home", home.toString());
        String key;
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int status = Main.execute(
                    new String[] {"key", "add", "indexer", "--scopes", "call,write", "--services", "texts.*"},
                    new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
            assertThat(status).isZero();
            key = out.toString(StandardCharsets.UTF_8).strip();
            assertThat(Files.readString(home.resolve("etc/keys.properties"))).doesNotContain(key);

            Optional<Principal> p = waitFor(key, true, 2_000);
            assertThat(p).isPresent();
            assertThat(p.get().scopes()).containsExactlyInAnyOrder("call", "write");
            assertThat(keys.allows(p.get(), Authenticator.WRITE, "texts.index")).isTrue();
            assertThat(keys.allows(p.get(), Authenticator.CALL, "semantic-search"))
                    .isFalse();
            assertThat(keys.keysConfigured()).isTrue();

            status = Main.execute(
                    new String[] {"key", "remove", "indexer"},
                    new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                    new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
            assertThat(status).isZero();
        } finally {
            System.clearProperty("stoa.home");
        }
        long removed = System.nanoTime();
        assertThat(waitFor(key, false, 2_000)).isEmpty();
        assertThat((System.nanoTime() - removed) / 1e9).isLessThan(2.0);
    }

    @Test
    void anonymousOnlyForLoopbackAndOnlyWhenAllowed() {
        keys = new KeyAuthenticator(home, "etc/keys.properties", true, "", 500);
        Principal p = keys.anonymous("127.0.0.1").orElseThrow();
        assertThat(p.scopes()).containsExactly("call");
        assertThat(keys.allows(p, Authenticator.WRITE, "vectors.texts.delete")).isFalse();
        assertThat(keys.anonymous("::1")).isPresent();
        assertThat(keys.anonymous("192.168.1.20")).isEmpty();
        keys.deactivate();
        keys = new KeyAuthenticator(home, "etc/keys.properties", false, "", 500);
        assertThat(keys.anonymous("127.0.0.1")).isEmpty();
    }

    @Test
    void refusalsAreCountedByDoorAndReason() {
        keys = new KeyAuthenticator(home, "etc/keys.properties", false, "", 500);
        keys.refused("http", "missing_key");
        keys.refused("http", "missing_key");
        keys.refused("bridge", "scope");
        PrometheusText text = new PrometheusText();
        keys.writeTo(text);
        assertThat(text.toString())
                .contains("stoa_auth_refusals_total{door=\"http\",reason=\"missing_key\"} 2")
                .contains("stoa_auth_refusals_total{door=\"bridge\",reason=\"scope\"} 1")
                .contains("stoa_auth_keys 0");
    }

    @Test
    void exposingThePortWithoutKeysIsRefusedWithTheFix() {
        assertThatThrownBy(() -> AccessGuard.requireKeysToExpose("The HTTP gateway", "0.0.0.0", "host in x.cfg", false))
                .hasMessageContaining("refuses to listen on 0.0.0.0")
                .hasMessageContaining("no API key is configured")
                .hasMessageContaining("bin/stoa key add")
                .hasMessageContaining("host = 127.0.0.1");
        assertThatThrownBy(() -> AccessGuard.requireKeysToExpose("g", "192.168.1.20", "c", false))
                .isInstanceOf(IllegalStateException.class);
        AccessGuard.requireKeysToExpose("g", "127.0.0.1", "c", false);
        AccessGuard.requireKeysToExpose("g", "localhost", "c", false);
        AccessGuard.requireKeysToExpose("g", "::1", "c", false);
        AccessGuard.requireKeysToExpose("g", "0.0.0.0", "c", true);
    }

    private Optional<Principal> waitFor(String key, boolean present, long ms) throws InterruptedException {
        long deadline = System.nanoTime() + ms * 1_000_000;
        Optional<Principal> p = keys.authenticate(key);
        while (p.isPresent() != present && System.nanoTime() < deadline) {
            Thread.sleep(20);
            p = keys.authenticate(key);
        }
        return p;
    }

    static Principal principal(String name, Set<String> scopes) {
        return new Principal(name, scopes, List.of());
    }
}
