package dev.stoa.launcher.internal;

import java.io.PrintStream;
import java.util.List;
import java.util.Optional;

/** {@code stoa version}: the launcher's version and the Java runtime it runs on. */
public final class VersionCommand implements Command {

    @Override
    public String name() {
        return "version";
    }

    @Override
    public String summary() {
        return "print Stoa's version and the Java runtime";
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) {
        if (!args.isEmpty()) {
            err.println("stoa version: takes no arguments");
            return CommandLine.USAGE_ERROR;
        }
        out.printf(
                "Stoa %s (Java %s, %s)%n",
                version(), System.getProperty("java.version"), System.getProperty("java.vm.name"));
        return 0;
    }

    /** @return the launcher jar's Implementation-Version, or {@code dev} when run from classes (an IDE, tests) */
    static String version() {
        return Optional.ofNullable(VersionCommand.class.getPackage().getImplementationVersion())
                .orElse("dev");
    }
}
