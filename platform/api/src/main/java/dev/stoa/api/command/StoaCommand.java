package dev.stoa.api.command;

import java.io.PrintStream;
import java.util.List;

/**
 * A sub-command of {@code bin/stoa} contributed by a bundle, run inside the server (Karaf's shell commands are the
 * model: the bundle that owns the feature owns its command, and installing the bundle adds it). Register an
 * implementation as an OSGi service; the gateway runs it on a thread of its own at
 * {@code POST /v1/commands/{name}} and streams what it prints to the caller, so {@code bin/stoa NAME ARGS...} prints
 * the same as if the command ran in the terminal, and exits with its status.
 *
 * <p>A command may run for minutes; when the caller goes away (Ctrl-C on {@code bin/stoa}) its thread is
 * interrupted, so a long command should let {@link InterruptedException} end it.
 */
public interface StoaCommand {

    /** Exit status: the command did what it was asked. */
    int OK = 0;

    /** Exit status: the command failed; it has said why on {@code err}. */
    int FAILED = 1;

    /** Exit status: the arguments were wrong; the command has printed its usage on {@code err}. */
    int USAGE_ERROR = 2;

    /**
     * @return the word that selects the command, e.g. {@code eval-vqa}: lower-case letters, digits and '-', unique
     *     across bundles, not one of the command line's own ({@code run, call, train, bundles, services, pipelines,
     *     version, help})
     */
    String name();

    /** @return one line for {@code bin/stoa help}: what it does and its arguments */
    String summary();

    /**
     * Runs the command on the calling thread.
     *
     * @param args the arguments after the command's name, as typed (the command line keeps {@code --url} for itself)
     * @param out where results go, line by line to the caller's standard output
     * @param err where progress, warnings and errors go, to the caller's standard error
     * @return the exit status: {@link #OK}, {@link #FAILED}, {@link #USAGE_ERROR} or another the command documents
     * @throws Exception a failure the command does not report itself: the caller gets exit status 1 and its message
     */
    int run(List<String> args, PrintStream out, PrintStream err) throws Exception;
}
