package dev.stoa.datasets.internal;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Turns WebDataset shard specs into tar files: brace ranges and lists as WebDataset writes them
 * ({@code train-{000000..000009}.tar}, zero padding kept; {@code {a,b}}), a glob in the file name
 * ({@code shards/*.tar}), or a folder (its {@code *.tar} files, sorted by name).
 */
final class ShardPaths {

    private ShardPaths() {}

    /**
     * @param spec one spec
     * @return the expanded strings, in order; the spec itself when it has no braces
     * @throws IllegalArgumentException for an unbalanced brace or a range that is not two numbers
     */
    static List<String> expandBraces(String spec) {
        int open = spec.indexOf('{');
        if (open < 0) {
            if (spec.indexOf('}') >= 0) {
                throw new IllegalArgumentException("'" + spec + "' has a '}' without '{'");
            }
            return List.of(spec);
        }
        int close = spec.indexOf('}', open);
        if (close < 0) {
            throw new IllegalArgumentException("'" + spec + "' has a '{' without '}'");
        }
        String head = spec.substring(0, open);
        String body = spec.substring(open + 1, close);
        List<String> tails = expandBraces(spec.substring(close + 1));
        List<String> items = new ArrayList<>();
        int dots = body.indexOf("..");
        if (dots >= 0) {
            String from = body.substring(0, dots);
            String to = body.substring(dots + 2);
            long a;
            long b;
            try {
                a = Long.parseLong(from);
                b = Long.parseLong(to);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + spec + "': range {" + body + "} must be {FIRST..LAST}"
                        + " with whole numbers, e.g. {000000..000009}");
            }
            if (b < a || b - a > 1_000_000) {
                throw new IllegalArgumentException(
                        "'" + spec + "': range {" + body + "} must count up, at most " + "a million shards");
            }
            int width = from.length();
            for (long k = a; k <= b; k++) {
                items.add(String.format("%0" + width + "d", k));
            }
        } else {
            items.addAll(List.of(body.split(",", -1)));
        }
        List<String> out = new ArrayList<>();
        for (String item : items) {
            for (String tail : tails) {
                out.add(head + item + tail);
            }
        }
        return out;
    }

    /**
     * @param spec a file, a folder, or a glob in the last path element, after brace expansion
     * @return the tar files it names, sorted; empty when a glob or folder matches none
     * @throws IllegalArgumentException for a file that does not exist
     */
    static List<Path> resolve(String spec) throws IOException {
        Path p = Path.of(spec);
        String last = p.getFileName() == null ? "" : p.getFileName().toString();
        if (last.contains("*") || last.contains("?") || last.contains("[")) {
            Path dir = p.getParent() == null ? Path.of(".") : p.getParent();
            if (!Files.isDirectory(dir)) {
                throw new IllegalArgumentException(
                        "folder " + dir.toAbsolutePath() + " of '" + spec + "' does not exist");
            }
            PathMatcher glob = dir.getFileSystem().getPathMatcher("glob:" + last);
            List<Path> out = new ArrayList<>();
            try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
                for (Path f : files) {
                    if (Files.isRegularFile(f) && glob.matches(f.getFileName())) {
                        out.add(f);
                    }
                }
            }
            out.sort(null);
            return out;
        }
        if (Files.isDirectory(p)) {
            try (Stream<Path> files = Files.list(p)) {
                return files.filter(f -> f.getFileName().toString().endsWith(".tar") && Files.isRegularFile(f))
                        .sorted()
                        .toList();
            }
        }
        if (!Files.isRegularFile(p)) {
            throw new IllegalArgumentException("shard " + p.toAbsolutePath() + " does not exist");
        }
        return List.of(p);
    }
}
