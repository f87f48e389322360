package dev.stoa.repository.internal;

import dev.stoa.api.StoaException;
import dev.stoa.api.command.StoaCommand;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.function.BiFunction;

/**
 * {@code bin/stoa export <model> [version]}: writes a version's ONNX graphs next to it
 * ({@code data/models/<id>/<n>/model.onnx}, or {@code model.<graph>.onnx} each), the newest version without one.
 */
final class ExportCommand implements StoaCommand {

    private final BiFunction<String, OptionalInt, Map<String, Path>> export;

    /** @param export the repository's export */
    ExportCommand(BiFunction<String, OptionalInt, Map<String, Path>> export) {
        this.export = export;
    }

    @Override
    public String name() {
        return "export";
    }

    @Override
    public String summary() {
        return "export <model> [version]: write a model version's ONNX graphs into data/models/<model>/<version>/";
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) {
        if (args.isEmpty() || args.size() > 2 || args.get(0).startsWith("-")) {
            err.println("usage: bin/stoa export <model> [version]   e.g. bin/stoa export clip-tiny 2");
            return USAGE_ERROR;
        }
        OptionalInt version = OptionalInt.empty();
        if (args.size() == 2) {
            try {
                version = OptionalInt.of(Integer.parseInt(args.get(1)));
            } catch (NumberFormatException e) {
                err.println("version is '" + args.get(1) + "'; give a version number such as 1 (GET /v1/models/"
                        + args.get(0) + " lists them), or leave it out for the newest");
                return USAGE_ERROR;
            }
        }
        try {
            Map<String, Path> files = export.apply(args.get(0), version);
            files.forEach((graph, file) -> out.println(graph + "\t" + file));
            return OK;
        } catch (StoaException e) {
            err.println(e.code() + ": " + e.getMessage());
            return FAILED;
        }
    }
}
