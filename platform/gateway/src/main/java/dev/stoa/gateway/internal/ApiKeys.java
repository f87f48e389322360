package dev.stoa.gateway.internal;

import dev.stoa.api.security.Authenticator;
import dev.stoa.api.security.Principal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The keys file, {@code etc/keys.properties}: one line a key,
 *
 * <pre>
 * # name = sha256:&lt;hex of SHA-256(key)&gt;; scopes=call,write[; services=retrieval-texts,vectors.texts.*]
 * ci-indexer = sha256:9f86d0...; scopes=call,write; services=texts.*,vectors.texts.*
 * </pre>
 *
 * <p>Only a hash of each key is stored. A key is 32 random bytes ({@link #newKey()}), so a plain SHA-256 is enough:
 * nobody can search a 256-bit space, whatever the hash costs, and a fast hash keeps the check to microseconds on
 * every request (PBKDF2 or bcrypt exist to slow the guessing of low-entropy passwords, and would cost milliseconds a
 * call for nothing). The lookup goes by hash, so no comparison of secrets can leak timing.
 */
final class ApiKeys {

    /** What a generated key starts with, so a leaked one is recognisable (secret scanners, logs). */
    static final String PREFIX = "stoa_";

    static final Set<String> SCOPES = Set.of(Authenticator.CALL, Authenticator.WRITE, Authenticator.ADMIN);

    private static final SecureRandom RANDOM = new SecureRandom();

    private ApiKeys() {}

    /** @return a new key: {@code stoa_} and 32 random bytes in URL-safe base64 (43 characters) */
    static String newKey() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** @return {@code sha256:<hex>} of the key's UTF-8 bytes, as the keys file stores it */
    static String hash(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return "sha256:" + HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this Java runtime has no SHA-256", e);
        }
    }

    /** @return the line of the keys file for a key */
    static String line(String name, String key, Set<String> scopes, List<String> services) {
        return name + " = " + hash(key) + "; scopes=" + String.join(",", scopes)
                + (services.isEmpty() ? "" : "; services=" + String.join(",", services));
    }

    /**
     * Reads the keys file. A bad line is reported and skipped, never fatal: the others (and the removal of a revoked
     * key) still apply.
     *
     * @param lines the file's lines
     * @param errors told one message per bad line, naming the line and the fix
     * @return principal by {@code sha256:<hex>} hash
     */
    static Map<String, Principal> parse(List<String> lines, List<String> errors) {
        Map<String, Principal> keys = new LinkedHashMap<>();
        Set<String> names = new LinkedHashSet<>();
        for (int n = 0; n < lines.size(); n++) {
            String line = lines.get(n).strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith("!")) {
                continue;
            }
            String where = "etc/keys.properties line " + (n + 1) + ": ";
            int eq = line.indexOf('=');
            if (eq <= 0) {
                errors.add(where + "expected 'name = sha256:<hex>; scopes=call', found '" + shorten(line) + "'");
                continue;
            }
            String name = line.substring(0, eq).strip();
            String[] fields = line.substring(eq + 1).split(";");
            String hash = fields[0].strip().toLowerCase(java.util.Locale.ROOT);
            if (!hash.matches("sha256:[0-9a-f]{64}")) {
                errors.add(where + "key '" + name + "': the value must start with sha256: and 64 hex digits (the"
                        + " SHA-256 of the key); create keys with 'bin/stoa key add " + name + " --scopes call'");
                continue;
            }
            Set<String> scopes = new LinkedHashSet<>();
            List<String> services = new ArrayList<>();
            String bad = null;
            for (int i = 1; i < fields.length && bad == null; i++) {
                String field = fields[i].strip();
                if (field.isEmpty()) {
                    continue;
                }
                int feq = field.indexOf('=');
                String key = feq < 0 ? field : field.substring(0, feq).strip();
                List<String> values = feq < 0 ? List.of() : list(field.substring(feq + 1));
                if (key.equals("scopes")) {
                    for (String s : values) {
                        if (!SCOPES.contains(s)) {
                            bad = "scope '" + s + "' is not one of call, write, admin";
                        }
                        scopes.add(s);
                    }
                } else if (key.equals("services")) {
                    services.addAll(values);
                } else {
                    bad = "'" + key + "' is not a field; use scopes= and services=";
                }
            }
            if (bad == null && scopes.isEmpty()) {
                bad = "no scopes; add '; scopes=call' (or call,write or admin)";
            }
            if (bad == null && !names.add(name)) {
                bad = "the name is used twice; give each key its own name";
            }
            if (bad != null) {
                errors.add(where + "key '" + name + "': " + bad);
                continue;
            }
            keys.put(hash, new Principal(name, scopes, services));
        }
        return keys;
    }

    /**
     * @return whether the principal's scopes include {@code scope} (admin includes write, write includes call) and,
     *     when {@code id} is given and the key has a service list, whether the list names it
     */
    static boolean allows(Principal p, String scope, String id) {
        Set<String> s = p.scopes();
        boolean scoped = switch (scope) {
            case Authenticator.CALL -> !s.isEmpty();
            case Authenticator.WRITE -> s.contains(Authenticator.WRITE) || s.contains(Authenticator.ADMIN);
            case Authenticator.ADMIN -> s.contains(Authenticator.ADMIN);
            default -> false;
        };
        return scoped && (id == null || mayCall(p, id));
    }

    /** @return whether the key's service list (empty: all) names the id, exactly or by a prefix ending in '*' */
    static boolean mayCall(Principal p, String id) {
        if (p.services().isEmpty()) {
            return true;
        }
        for (String pattern : p.services()) {
            if (pattern.endsWith("*")
                    ? id.startsWith(pattern.substring(0, pattern.length() - 1))
                    : pattern.equals(id)) {
                return true;
            }
        }
        return false;
    }

    static List<String> list(String commaSeparated) {
        return Arrays.stream(commaSeparated.split(","))
                .map(String::strip)
                .filter(v -> !v.isEmpty())
                .toList();
    }

    private static String shorten(String line) {
        // never echo a whole line: it might be a key pasted in by mistake
        return line.length() > 12 ? line.substring(0, 12) + "..." : line;
    }
}
