package dev.stoa.launcher;

import dev.stoa.launcher.internal.CallCommand;
import dev.stoa.launcher.internal.Command;
import dev.stoa.launcher.internal.CommandLine;
import dev.stoa.launcher.internal.KeyCommand;
import dev.stoa.launcher.internal.ListCommand;
import dev.stoa.launcher.internal.RunCommand;
import dev.stoa.launcher.internal.TlsCertCommand;
import dev.stoa.launcher.internal.TrainCommand;
import dev.stoa.launcher.internal.VersionCommand;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code stoa} command: {@code bin/stoa} runs {@code java -cp "$STOA_HOME/lib/*" dev.stoa.launcher.Main "$@"}.
 *
 * <p>{@code stoa run} (the default) boots the platform in the foreground; {@code stoa call} calls a pipeline or
 * service of a running server; {@code stoa bundles}, {@code services} and {@code pipelines} list them;
 * {@code stoa version} and {@code stoa help} print what they say. Any other command goes to the running server, whose
 * bundles contribute commands ({@code dev.stoa.api.command.StoaCommand}, e.g. the vqa bundle's {@code eval-vqa}). A new
 * command of the launcher itself is one {@link dev.stoa.launcher.internal.Command} added to the list below.
 */
public final class Main {

    private Main() {}

    /**
     * Runs a command and exits the JVM with its status: 0 on success, 1 on failure, 2 on a usage error.
     *
     * @param args the command and its arguments; none means {@code run}
     */
    public static void main(String[] args) {
        System.exit(execute(args, System.out, System.err));
    }

    /**
     * Runs a command without exiting the JVM.
     *
     * @param args the command and its arguments; none means {@code run}
     * @param out where results go
     * @param err where usage errors go
     * @return the exit status: 0 on success, 1 on failure, 2 on a usage error
     */
    public static int execute(String[] args, PrintStream out, PrintStream err) {
        List<Command> commands = new ArrayList<>(List.of(new RunCommand(), new CallCommand(), new TrainCommand()));
        commands.addAll(ListCommand.all());
        commands.add(new KeyCommand());
        commands.add(new TlsCertCommand());
        commands.add(new VersionCommand());
        CommandLine commandLine = new CommandLine("run", commands, System::getenv);
        return commandLine.execute(List.of(args), out, err);
    }
}
