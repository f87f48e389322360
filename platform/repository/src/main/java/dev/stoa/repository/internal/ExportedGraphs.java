package dev.stoa.repository.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The ONNX graphs exported next to a version ({@code dev.stoa.api.engine.OnnxExport}'s naming): {@code model.onnx}
 * is the graph {@code model}, {@code model.<graph>.onnx} the graph {@code <graph>}.
 */
final class ExportedGraphs {

    private ExportedGraphs() {}

    /**
     * @param folder a version folder, or {@code null}
     * @return each graph's name and file, sorted by name; empty when there are none
     */
    static Map<String, Path> in(Path folder) {
        Map<String, Path> out = new TreeMap<>();
        if (folder == null || !Files.isDirectory(folder)) {
            return out;
        }
        try (Stream<Path> files = Files.list(folder)) {
            files.filter(Files::isRegularFile).forEach(f -> {
                String n = f.getFileName().toString();
                if (n.equals("model.onnx")) {
                    out.put("model", f);
                } else if (n.startsWith("model.") && n.endsWith(".onnx") && n.length() > "model..onnx".length()) {
                    String graph = n.substring("model.".length(), n.length() - ".onnx".length());
                    if (graph.matches("[A-Za-z0-9_-]+")) {
                        out.put(graph, f);
                    }
                }
            });
        } catch (IOException e) {
            // an unreadable folder has no graphs for now
        }
        return out;
    }

    /** @return the file names of the graphs, for messages: {@code model.image.onnx, model.text.onnx} */
    static String names(Map<String, Path> graphs) {
        return String.join(
                ", ",
                graphs.values().stream().map(p -> p.getFileName().toString()).toList());
    }
}
