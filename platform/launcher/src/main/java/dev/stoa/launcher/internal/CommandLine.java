package dev.stoa.launcher.internal;

import java.io.PrintStream;
import java.nio.file.NoSuchFileException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Picks the {@link Command} named by the first argument and runs it; a name it does not know goes to the running
 * server, whose bundles may contribute commands ({@link ServerCommands}). Answers {@code help} itself, so the list of
 * commands it prints is always the list it dispatches to, the server's included when one answers.
 */
public final class CommandLine {

    /** Exit status for a command line that names no known command or has bad arguments (as in BSD sysexits). */
    public static final int USAGE_ERROR = 2;

    private static final String HELP = "help";

    private final String defaultCommand;
    private final Map<String, Command> commands = new LinkedHashMap<>();
    private final ServerCommands server;

    /**
     * @param defaultCommand the command to run when none is given
     * @param commands the commands, in the order {@code help} lists them
     * @param env the environment ({@code System::getenv} outside tests), to find the server for the commands its
     *     bundles add
     */
    public CommandLine(String defaultCommand, List<Command> commands, Function<String, String> env) {
        this.defaultCommand = defaultCommand;
        commands.forEach(command -> this.commands.put(command.name(), command));
        this.server = new ServerCommands(env);
    }

    /**
     * @param args the command line; empty means the default command
     * @param out where results and help go
     * @param err where usage errors and failures go
     * @return the command's exit status
     */
    public int execute(List<String> args, PrintStream out, PrintStream err) {
        String name = args.isEmpty() ? defaultCommand : args.get(0);
        List<String> rest = args.isEmpty() ? List.of() : args.subList(1, args.size());
        if (HELP.equals(name) || "--help".equals(name) || "-h".equals(name)) {
            printUsage(out);
            out.println();
            int url = rest.indexOf("--url");
            server.describe(url >= 0 && url + 1 < rest.size() ? rest.get(url + 1) : null, out);
            return 0;
        }
        Command command = commands.get(name);
        try {
            if (command == null) {
                return server.run(name, rest, out, err);
            }
            return command.run(rest, out, err);
        } catch (ServerCommands.Unknown e) {
            err.println("stoa: unknown command '" + name + "': " + e.getMessage());
            printUsage(err);
            return USAGE_ERROR;
        } catch (Exception e) {
            err.println("stoa " + name + ": " + describe(e));
            return 1;
        }
    }

    /** A failure in one line: the message, which for a missing file is only its path, else the exception. */
    private static String describe(Exception e) {
        if (e instanceof NoSuchFileException) {
            return "no such file: " + e.getMessage();
        }
        return e.getMessage() != null ? e.getMessage() : e.toString();
    }

    private void printUsage(PrintStream stream) {
        stream.println("Usage: stoa [command] [arguments]");
        stream.println();
        stream.println("Commands:");
        commands.values().forEach(c -> stream.printf("  %-10s %s%n", c.name(), c.summary()));
        stream.printf("  %-10s %s%n", HELP, "print this help");
        stream.println();
        stream.println("With no command, stoa runs '" + defaultCommand + "'.");
        stream.println("Environment: STOA_HOME (set by bin/stoa), JAVA_HOME, JAVA_OPTS, STOA_HEAP.");
    }
}
