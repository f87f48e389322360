package dev.stoa.gateway.internal;

import dev.stoa.api.command.StoaCommand;
import java.util.ArrayList;
import java.util.List;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;

/**
 * The {@link StoaCommand} services registered now, looked up per request: a command comes and goes with its bundle,
 * and a lookup costs microseconds next to a command's run. Of two with one name, the higher-ranked service wins.
 */
final class CommandDirectory {

    private CommandDirectory() {}

    static List<StoaCommand> commands(BundleContext context) {
        List<StoaCommand> out = new ArrayList<>();
        try {
            List<ServiceReference<StoaCommand>> refs =
                    new ArrayList<>(context.getServiceReferences(StoaCommand.class, null));
            refs.sort(java.util.Collections.reverseOrder()); // highest ranking first
            for (ServiceReference<StoaCommand> ref : refs) {
                StoaCommand command = context.getService(ref);
                if (command != null && out.stream().noneMatch(c -> c.name().equals(command.name()))) {
                    out.add(command);
                }
            }
        } catch (InvalidSyntaxException | IllegalStateException e) {
            // no filter is given; a stopping bundle context lists nothing
        }
        return out;
    }
}
