package dev.stoa.launcher.internal;

import java.io.PrintStream;
import java.util.List;

/**
 * {@code stoa run}: boots the platform in the foreground until SIGTERM or Ctrl-C.
 *
 * <p>The order matters: the instance lock before anything writes to {@code data/}, {@code stoa.home} as a system
 * property before logback reads logback.xml, logging before the first logger is created, and DJL's settings before
 * DJL's first use.
 */
public final class RunCommand implements Command {

    @Override
    public String name() {
        return "run";
    }

    @Override
    public String summary() {
        return "run the platform in the foreground (the default); stop it with Ctrl-C or SIGTERM";
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
        if (!args.isEmpty()) {
            err.println("stoa run: takes no arguments, got " + args);
            return CommandLine.USAGE_ERROR;
        }
        StoaHome home = StoaHome.locate();
        // First: a second instance must not even write to the running one's log
        try (InstanceLock lock = InstanceLock.acquire(home.data())) {
            System.setProperty(StoaHome.PROPERTY, home.root().toString());
            LoggingSetup.install(home);
            DjlSetup.configure(home);
            DjlSetup.discoverEngines();
            JavaCppSetup.configure(home);
            new Server(home, FrameworkConfig.load(home)).run();
        }
        return 0;
    }
}
