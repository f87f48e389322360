package dev.stoa.gateway.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoa.api.security.Authenticator;
import dev.stoa.api.security.Principal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ApiKeysTest {

    @Test
    void keysAreLongRandomAndOnlyTheirHashIsStored() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            String key = ApiKeys.newKey();
            assertThat(key).startsWith("stoa_").hasSize(5 + 43).matches("stoa_[A-Za-z0-9_-]{43}");
            assertThat(seen.add(key)).isTrue();
        }
        String key = ApiKeys.newKey();
        String line = ApiKeys.line("ci", key, Set.of("call"), List.of());
        assertThat(line).doesNotContain(key).contains(ApiKeys.hash(key));
        // SHA-256 of "abc", the FIPS 180-2 test vector
        assertThat(ApiKeys.hash("abc"))
                .isEqualTo("sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    @Test
    void readsScopesAndServicesAndSkipsBadLinesWithoutLosingTheOthers() {
        String a = ApiKeys.newKey();
        String b = ApiKeys.newKey();
        List<String> errors = new ArrayList<>();
        Map<String, Principal> keys = ApiKeys.parse(
                List.of(
                        "# comment",
                        "",
                        ApiKeys.line("reader", a, Set.of("call"), List.of()),
                        ApiKeys.line("indexer", b, Set.of("call", "write"), List.of("texts.index", "vectors.texts.*")),
                        "broken = md5:abc; scopes=call",
                        "noscope = " + ApiKeys.hash("x") + "",
                        "typo = " + ApiKeys.hash("y") + "; scopes=call,delete",
                        "reader = " + ApiKeys.hash("z") + "; scopes=call",
                        "stoa_pastedkeyitself"),
                errors);
        assertThat(keys).hasSize(2);
        Principal reader = keys.get(ApiKeys.hash(a));
        assertThat(reader.name()).isEqualTo("reader");
        assertThat(reader.scopes()).containsExactly("call");
        Principal indexer = keys.get(ApiKeys.hash(b));
        assertThat(indexer.services()).containsExactly("texts.index", "vectors.texts.*");
        assertThat(errors).hasSize(5);
        assertThat(errors.get(0)).contains("line 5").contains("'broken'").contains("sha256:");
        assertThat(errors.get(1)).contains("'noscope'").contains("no scopes");
        assertThat(errors.get(2)).contains("'delete' is not one of call, write, admin");
        assertThat(errors.get(3)).contains("used twice");
        // a line without '=' is never echoed whole: it may be a key pasted by mistake
        assertThat(errors.get(4)).doesNotContain("stoa_pastedkeyitself").contains("stoa_pastedk...");
    }

    @Test
    void scopesNestAndServiceListsLimitCalls() {
        Principal call = new Principal("c", Set.of("call"), List.of());
        Principal write = new Principal("w", Set.of("write"), List.of("texts.*", "vectors.texts.delete"));
        Principal admin = new Principal("a", Set.of("admin"), List.of());
        assertThat(ApiKeys.allows(call, Authenticator.CALL, "anything")).isTrue();
        assertThat(ApiKeys.allows(call, Authenticator.WRITE, null)).isFalse();
        assertThat(ApiKeys.allows(call, Authenticator.ADMIN, null)).isFalse();
        assertThat(ApiKeys.allows(write, Authenticator.CALL, "texts.search")).isTrue();
        assertThat(ApiKeys.allows(write, Authenticator.WRITE, "vectors.texts.delete"))
                .isTrue();
        assertThat(ApiKeys.allows(write, Authenticator.WRITE, "vectors.images.delete"))
                .isFalse();
        assertThat(ApiKeys.allows(write, Authenticator.CALL, "semantic-search")).isFalse();
        assertThat(ApiKeys.allows(write, Authenticator.ADMIN, null)).isFalse();
        assertThat(ApiKeys.allows(admin, Authenticator.WRITE, "x")).isTrue();
        assertThat(ApiKeys.allows(admin, Authenticator.ADMIN, null)).isTrue();
        assertThat(ApiKeys.allows(admin, "root", null)).isFalse();
    }
}
