package dev.stoa.launcher.internal;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The commands the server's bundles contribute ({@code GET /v1/commands}), run through the server
 * ({@code POST /v1/commands/{name}}): what {@code stoa NAME ...} does for a NAME the command line does not know
 * itself. The command runs inside the server; what it prints streams back here as it goes, to the same stream, and
 * its exit status becomes this process's. {@code --url U} anywhere in the arguments picks the server and is not
 * passed on.
 */
final class ServerCommands {

    /** A command name the server may know: lower-case words joined by '-'. */
    private static final String NAME = "[a-z][a-z0-9-]*";

    private final Function<String, String> env;

    /** @param env the environment ({@code System::getenv} outside tests), for {@code STOA_URL} */
    ServerCommands(Function<String, String> env) {
        this.env = env;
    }

    /** The server has no such command, or no server answers: a usage error, with the reason. */
    static final class Unknown extends Exception {
        private static final long serialVersionUID = 1L;

        Unknown(String reason) {
            super(reason);
        }
    }

    /**
     * Runs {@code name} on the server.
     *
     * @return the command's exit status
     * @throws Unknown when the server does not know the command or no server answers
     */
    int run(String name, List<String> args, PrintStream out, PrintStream err) throws Exception {
        if (!name.matches(NAME)) {
            throw new Unknown("commands are lower-case words");
        }
        List<String> rest = new ArrayList<>();
        String url = null;
        for (int i = 0; i < args.size(); i++) {
            if (args.get(i).equals("--url") && i + 1 < args.size()) {
                url = args.get(++i);
            } else {
                rest.add(args.get(i));
            }
        }
        ServerClient server = new ServerClient(ServerClient.locate(url, env), env);
        JsonObject body = new JsonObject();
        JsonArray array = new JsonArray();
        rest.forEach(array::add);
        body.add("args", array);
        int[] exit = {1};
        try {
            server.postLines("/v1/commands/" + name, body, line -> {
                if (line.has("out")) {
                    out.print(line.get("out").getAsString());
                    out.flush();
                } else if (line.has("err")) {
                    err.print(line.get("err").getAsString());
                    err.flush();
                } else if (line.has("exit")) {
                    exit[0] = line.get("exit").getAsInt();
                }
            });
        } catch (ServerClient.ServerError e) {
            if (e.code() == null) {
                throw new Unknown("it is not one of the command line's own, and " + e.getMessage()
                        + "; commands that bundles add (such as eval-vqa) run in the server");
            }
            if ("UNKNOWN_SERVICE".equals(e.code())) {
                throw new Unknown("neither the command line nor the server at " + server.base() + " has it");
            }
            err.println("stoa " + name + ": " + e.getMessage());
            return 1;
        }
        return exit[0];
    }

    /**
     * Prints the server's commands for {@code stoa help}, or a line saying why there are none to show.
     *
     * @param url the {@code --url} given to help, or null
     */
    void describe(String url, PrintStream out) {
        ServerClient server = new ServerClient(ServerClient.locate(url, env), env);
        try {
            JsonArray commands = server.get("/v1/commands", Duration.ofSeconds(3))
                    .getAsJsonObject()
                    .getAsJsonArray("commands");
            out.println("Commands of the server's bundles (" + server.base() + "):");
            if (commands.isEmpty()) {
                out.println("  (none installed)");
            }
            commands.forEach(c -> {
                JsonObject o = c.getAsJsonObject();
                out.printf(
                        "  %-10s %s%n",
                        o.get("name").getAsString(), o.get("summary").getAsString());
            });
        } catch (Exception e) {
            out.println("Bundles add commands (such as eval-vqa) that run in the server; none answers at "
                    + server.base() + " to list them (start it with bin/stoa, or give --url).");
        }
    }
}
