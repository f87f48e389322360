package dev.stoa.pipeline.internal;

import dev.stoa.api.pipeline.SpecNode;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads a YAML file into {@link SpecNode}s that remember their file, line and field path, so that the engine and the
 * stage kinds (which see no YAML library) can report problems where they are. Composes only (no object
 * construction, duplicate keys refused), which is safe against alias bombs and arbitrary types.
 */
final class YamlNodes {

    private YamlNodes() {}

    /**
     * @param file the file, relative to etc/
     * @param text its content
     * @param errors where a syntax error or a duplicate key goes
     * @return the root, or {@code null} when the text is not YAML (the error is added)
     */
    static SpecNode read(String file, String text, List<PipelineError> errors) {
        Node root;
        try {
            LoaderOptions options = new LoaderOptions();
            options.setAllowDuplicateKeys(false);
            root = new Yaml(options).compose(new StringReader(text));
        } catch (MarkedYAMLException e) {
            int line = e.getProblemMark() == null ? 0 : e.getProblemMark().getLine() + 1;
            errors.add(new PipelineError(
                    file,
                    line,
                    "",
                    "is not valid YAML: " + e.getProblem() + "; check the indentation and quoting near this line"));
            return null;
        } catch (YAMLException e) {
            errors.add(new PipelineError(file, 0, "", "is not valid YAML: " + e.getMessage()));
            return null;
        }
        if (root == null) {
            errors.add(new PipelineError(file, 1, "", "is empty; write 'stages:' with at least one stage"));
            return null;
        }
        return convert(file, root, "", errors);
    }

    private static SpecNode convert(String file, Node node, String path, List<PipelineError> errors) {
        int line = node.getStartMark() == null ? 0 : node.getStartMark().getLine() + 1;
        if (node instanceof ScalarNode s) {
            return new SpecNode.Scalar(
                    file, line, path, s.getValue(), s.getScalarStyle() != DumperOptions.ScalarStyle.PLAIN);
        }
        if (node instanceof SequenceNode seq) {
            List<SpecNode> items = new ArrayList<>();
            for (Node item : seq.getValue()) {
                items.add(convert(file, item, path, errors));
            }
            return new SpecNode.Sequence(file, line, path, items);
        }
        MappingNode map = (MappingNode) node;
        Map<String, SpecNode> entries = new LinkedHashMap<>();
        Map<String, Integer> lines = new java.util.HashMap<>();
        for (NodeTuple t : map.getValue()) {
            int keyLine = t.getKeyNode().getStartMark() == null
                    ? 0
                    : t.getKeyNode().getStartMark().getLine() + 1;
            if (!(t.getKeyNode() instanceof ScalarNode key)) {
                errors.add(new PipelineError(
                        file, keyLine, path, "has a key that is a list or mapping; keys are" + " names"));
                continue;
            }
            String child = path.isEmpty() ? key.getValue() : path + "." + key.getValue();
            Integer first = lines.putIfAbsent(key.getValue(), keyLine);
            if (first != null) {
                errors.add(new PipelineError(
                        file,
                        keyLine,
                        child,
                        "is defined twice (first on line " + first + "); keep one, or give each its own name"));
                continue;
            }
            // a mapping entry is located at its key: that is the line a reader looks for
            SpecNode value = convert(file, t.getValueNode(), child, errors);
            entries.put(key.getValue(), at(value, keyLine));
        }
        return new SpecNode.Mapping(file, line, path, entries);
    }

    /** @return the node placed at {@code line} when it is a mapping (a stage starts at its key, not its body) */
    private static SpecNode at(SpecNode node, int line) {
        return node instanceof SpecNode.Mapping m ? new SpecNode.Mapping(m.file(), line, m.path(), m.entries()) : node;
    }
}
