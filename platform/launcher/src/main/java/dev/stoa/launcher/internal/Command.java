package dev.stoa.launcher.internal;

import java.io.PrintStream;
import java.util.List;

/** One sub-command of {@code stoa}, such as {@code run} or {@code version}. */
public interface Command {

    /** @return the word that selects this command on the command line */
    String name();

    /** @return one line for {@code stoa help} */
    String summary();

    /**
     * Runs the command.
     *
     * @param args the arguments after the command's name
     * @param out where results go
     * @param err where usage errors go
     * @return the exit status: 0 on success, 1 on failure, {@link CommandLine#USAGE_ERROR} for bad arguments
     * @throws Exception for a failure the command does not report itself; it becomes exit status 1
     */
    int run(List<String> args, PrintStream out, PrintStream err) throws Exception;
}
