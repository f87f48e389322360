package dev.stoa.launcher.internal;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * {@code stoa key add <name> --scopes call[,write][,admin] [--services id,prefix*]}, {@code stoa key list},
 * {@code stoa key remove <name>}: edits {@code etc/keys.properties}, which the running server reads again within a
 * second (a removed key stops working then). {@code add} prints the new key once; the file keeps only its SHA-256.
 * Works without a running server.
 */
public final class KeyCommand implements Command {

    static final String FILE = "keys.properties";
    private static final Set<String> SCOPES = Set.of("call", "write", "admin");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Supplier<Path> etc;

    public KeyCommand() {
        this(() -> StoaHome.locate().etc());
    }

    /** @param etc the etc/ folder that holds keys.properties */
    KeyCommand(Supplier<Path> etc) {
        this.etc = etc;
    }

    @Override
    public String name() {
        return "key";
    }

    @Override
    public String summary() {
        return "API keys: add <name> --scopes call,write,admin [--services a,b*] | list | remove <name>";
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) throws IOException {
        if (args.isEmpty()) {
            return usage(err, "say add, list or remove");
        }
        Path file = etc.get().resolve(FILE);
        List<String> lines = Files.exists(file) ? new ArrayList<>(Files.readAllLines(file)) : new ArrayList<>();
        switch (args.get(0)) {
            case "list" -> {
                for (String line : lines) {
                    String l = line.strip();
                    if (!l.isEmpty() && !l.startsWith("#") && l.contains("=")) {
                        String name = l.substring(0, l.indexOf('=')).strip();
                        String rest = l.substring(l.indexOf('=') + 1);
                        int semi = rest.indexOf(';');
                        out.println(name + "  "
                                + (semi < 0 ? "" : rest.substring(semi + 1).strip()));
                    }
                }
                return 0;
            }
            case "remove" -> {
                if (args.size() != 2) {
                    return usage(err, "remove takes the key's name");
                }
                int before = lines.size();
                lines.removeIf(l -> nameOf(l).equals(args.get(1)));
                if (lines.size() == before) {
                    err.println("stoa key: no key is named '" + args.get(1) + "' in " + file + " (stoa key list)");
                    return 1;
                }
                write(file, lines);
                out.println("removed '" + args.get(1) + "'; a running server refuses it within a second");
                return 0;
            }
            case "add" -> {
                return add(args.subList(1, args.size()), file, lines, out, err);
            }
            default -> {
                return usage(err, "unknown action '" + args.get(0) + "'");
            }
        }
    }

    private int add(List<String> args, Path file, List<String> lines, PrintStream out, PrintStream err)
            throws IOException {
        if (args.isEmpty() || args.get(0).startsWith("-")) {
            return usage(err, "add needs a name first, e.g. stoa key add ci-indexer --scopes call,write");
        }
        String name = args.get(0);
        if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}")) {
            return usage(err, "the name '" + name + "' must be letters, digits, '.', '_' or '-' (at most 64)");
        }
        List<String> scopes = List.of();
        List<String> services = List.of();
        for (int i = 1; i < args.size(); i += 2) {
            if (i + 1 >= args.size()) {
                return usage(err, args.get(i) + " needs a value");
            }
            List<String> values = Arrays.stream(args.get(i + 1).split(","))
                    .map(String::strip)
                    .filter(v -> !v.isEmpty())
                    .toList();
            switch (args.get(i)) {
                case "--scopes" -> scopes = values;
                case "--services" -> services = values;
                default -> {
                    return usage(err, "unknown option " + args.get(i) + "; use --scopes and --services");
                }
            }
        }
        if (scopes.isEmpty() || !SCOPES.containsAll(scopes)) {
            return usage(err, "--scopes must list call, write or admin (e.g. --scopes call,write)");
        }
        if (lines.stream().anyMatch(l -> nameOf(l).equals(name))) {
            err.println("stoa key: a key named '" + name + "' exists; remove it first (stoa key remove " + name + ")");
            return 1;
        }
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        String key = "stoa_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        if (lines.isEmpty()) {
            lines.add("# API keys: name = sha256:<SHA-256 of the key>; scopes=call,write,admin[; services=id,prefix*]");
            lines.add("# Edit with bin/stoa key add|list|remove; a running server reads changes within a second.");
        }
        lines.add(name + " = " + sha256(key) + "; scopes=" + String.join(",", scopes)
                + (services.isEmpty() ? "" : "; services=" + String.join(",", services)));
        write(file, lines);
        out.println(key);
        err.println("stoa key: added '" + name + "' (" + String.join(",", scopes) + ") to " + file
                + "; the key above is shown once: send it as 'Authorization: Bearer <key>'");
        return 0;
    }

    /** @return {@code sha256:<hex>} of the key's UTF-8 bytes, as the server's keys file reader expects */
    static String sha256(String key) {
        try {
            return "sha256:"
                    + HexFormat.of()
                            .formatHex(
                                    MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this Java runtime has no SHA-256", e);
        }
    }

    private static String nameOf(String line) {
        String l = line.strip();
        return l.startsWith("#") || !l.contains("=")
                ? ""
                : l.substring(0, l.indexOf('=')).strip();
    }

    /** Writes the whole file beside it, then moves it in: the server never reads half a file. */
    private static void write(Path file, List<String> lines) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path staged = file.resolveSibling(FILE + ".tmp");
        Files.deleteIfExists(staged);
        try {
            Files.createFile(
                    staged, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException notPosix) {
            Files.createFile(staged);
        }
        Files.write(staged, lines, StandardCharsets.UTF_8);
        Files.move(staged, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static int usage(PrintStream err, String problem) {
        err.println("stoa key: " + problem + ". Usage: stoa key add <name> --scopes call[,write][,admin]"
                + " [--services id,prefix*] | stoa key list | stoa key remove <name>");
        return CommandLine.USAGE_ERROR;
    }
}
