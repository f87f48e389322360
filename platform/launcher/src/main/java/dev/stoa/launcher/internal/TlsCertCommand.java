package dev.stoa.launcher.internal;

import dev.stoa.launcher.SelfSignedCertificate;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code stoa tls-cert [--name N]... [--days D] [--dir DIR] [--force]}: writes a self-signed certificate and its key
 * ({@code cert.pem}, {@code key.pem}; by default in the installation's {@code etc/tls/}, for {@code localhost} and
 * {@code 127.0.0.1}, valid 365 days) and prints the lines that turn TLS on. Existing files are kept unless
 * {@code --force}.
 */
public final class TlsCertCommand implements Command {

    @Override
    public String name() {
        return "tls-cert";
    }

    @Override
    public String summary() {
        return "write a self-signed TLS certificate and key to etc/tls/: tls-cert [--name N]... [--days D] [--dir DIR]"
                + " [--force]";
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
        List<String> names = new ArrayList<>();
        int days = 365;
        Path dir = null;
        boolean force = false;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            boolean hasValue = i + 1 < args.size();
            switch (a) {
                case "--name" -> {
                    if (!hasValue) {
                        return usage(err, "--name needs a value");
                    }
                    names.add(args.get(++i));
                }
                case "--days" -> {
                    if (!hasValue || !args.get(i + 1).matches("[1-9][0-9]{0,4}")) {
                        return usage(err, "--days needs a whole number of days from 1 to 99999");
                    }
                    days = Integer.parseInt(args.get(++i));
                }
                case "--dir" -> {
                    if (!hasValue) {
                        return usage(err, "--dir needs a folder");
                    }
                    dir = Path.of(args.get(++i));
                }
                case "--force" -> force = true;
                default -> {
                    return usage(err, "unknown argument '" + a + "'");
                }
            }
        }
        if (names.isEmpty()) {
            names = List.of("localhost", "127.0.0.1");
        }
        if (dir == null) {
            dir = StoaHome.locate().etc().resolve("tls");
        }
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        if (!force && (Files.exists(cert) || Files.exists(key))) {
            err.println("stoa tls-cert: " + dir + " already has cert.pem or key.pem; keep them, or pass --force to"
                    + " replace them");
            return 1;
        }
        SelfSignedCertificate.write(cert, key, names, days);
        out.println("wrote " + cert + " and " + key + " (self-signed for " + String.join(", ", names) + ", " + days
                + " days)");
        out.println("turn TLS on with these lines in etc/dev.stoa.gateway.cfg (and etc/dev.stoa.bridge.cfg):");
        out.println("  tlsCertFile = " + relative(cert));
        out.println("  tlsKeyFile = " + relative(key));
        return 0;
    }

    private static String relative(Path file) {
        try {
            Path home = StoaHome.locate().root();
            Path absolute = file.toAbsolutePath().normalize();
            return absolute.startsWith(home) ? home.relativize(absolute).toString() : absolute.toString();
        } catch (IllegalStateException e) {
            return file.toAbsolutePath().normalize().toString();
        }
    }

    private static int usage(PrintStream err, String problem) {
        err.println("stoa tls-cert: " + problem);
        err.println("usage: stoa tls-cert [--name DNS-OR-IP]... [--days D] [--dir DIR] [--force]");
        return CommandLine.USAGE_ERROR;
    }
}
