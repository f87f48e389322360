package dev.stoa.launcher.internal;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * {@code stoa bundles}, {@code stoa services}, {@code stoa pipelines}: a running server's listing as a table, from
 * the matching {@code GET /v1/...}. A row's problem or errors follow it, indented.
 */
public final class ListCommand implements Command {

    private final String what;
    private final List<String> columns;
    private final String detail;
    private final Function<String, String> env;

    private ListCommand(String what, List<String> columns, String detail, Function<String, String> env) {
        this.what = what;
        this.columns = columns;
        this.detail = detail;
        this.env = env;
    }

    /** @return the three listings, as {@code bin/stoa} runs them */
    public static List<Command> all() {
        return all(System::getenv);
    }

    static List<Command> all(Function<String, String> env) {
        return List.of(
                new ListCommand("bundles", List.of("id", "symbolicName", "version", "state"), "problem", env),
                new ListCommand(
                        "services", List.of("id", "kind", "state", "inputType", "outputType", "bundle"), null, env),
                new ListCommand("pipelines", List.of("name", "state", "missingServices"), "errors", env));
    }

    @Override
    public String name() {
        return what;
    }

    @Override
    public String summary() {
        return "list the " + what + " of a running server [--url U]";
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
        String url = null;
        if (args.size() == 2 && args.get(0).equals("--url")) {
            url = args.get(1);
        } else if (!args.isEmpty()) {
            err.println("stoa " + what + ": the only option is --url http://HOST:PORT");
            return CommandLine.USAGE_ERROR;
        }
        ServerClient server = new ServerClient(ServerClient.locate(url, env), env);
        try {
            print(server.get("/v1/" + what), out);
            return 0;
        } catch (ServerClient.ServerError e) {
            err.println("stoa " + what + ": " + e.getMessage());
            return 1;
        }
    }

    void print(JsonElement listing, PrintStream out) {
        List<String[]> rows = new ArrayList<>();
        rows.add(columns.toArray(String[]::new));
        List<String> details = new ArrayList<>();
        for (JsonElement e : listing.getAsJsonArray()) {
            JsonObject o = e.getAsJsonObject();
            rows.add(columns.stream().map(c -> text(o.get(c), o, c)).toArray(String[]::new));
            details.add(detail == null ? "" : text(o.get(detail), o, detail));
        }
        int[] widths = new int[columns.size()];
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                widths[i] = Math.max(widths[i], r[i].length());
            }
        }
        for (int r = 0; r < rows.size(); r++) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < widths.length; i++) {
                line.append(String.format("%-" + (widths[i] + 2) + "s", rows.get(r)[i]));
            }
            out.println(line.toString().stripTrailing());
            if (r > 0 && !details.get(r - 1).isEmpty()) {
                out.println("    " + details.get(r - 1).replace("\n", "\n    "));
            }
        }
    }

    private static String text(JsonElement e, JsonObject row, String column) {
        if (e == null || e.isJsonNull()) {
            // a deployed file that never became a bundle has no symbolic name: show the file
            return column.equals("symbolicName") && row.has("file")
                    ? row.get("file").getAsString()
                    : "";
        }
        if (e.isJsonArray()) {
            List<String> items = new ArrayList<>();
            e.getAsJsonArray().forEach(i -> items.add(i.getAsString()));
            return String.join(column.equals("errors") ? "\n" : ", ", items);
        }
        return e.getAsString();
    }
}
