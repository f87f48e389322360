package dev.stoa.repository.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Which training file makes which model: the files of {@code etc/train/} and their top-level {@code output:} line.
 * Read again at most every few seconds, so a file added while the platform runs is named by the next status.
 */
final class TrainingFiles {

    private static final Pattern OUTPUT =
            Pattern.compile("(?m)^output:\\s*['\"]?([a-z0-9][a-z0-9._-]*)['\"]?\\s*(#.*)?$");
    private static final long REREAD_MS = 5_000;

    private final Path home;
    private final Path dir;
    private Map<String, String> byModel = Map.of();
    private long readAt;

    /**
     * @param home the installation folder ({@code stoa.home}); file names are given relative to it
     */
    TrainingFiles(Path home) {
        this.home = home;
        this.dir = home.resolve("etc").resolve("train");
    }

    /**
     * @param modelId a model id
     * @return the training file whose {@code output:} is the model, e.g. {@code etc/train/clip-shapes.yaml}, or
     *     {@code null} when none is
     */
    synchronized String fileFor(String modelId) {
        long now = System.currentTimeMillis();
        if (now - readAt > REREAD_MS) {
            byModel = read();
            readAt = now;
        }
        return byModel.get(modelId);
    }

    private Map<String, String> read() {
        if (!Files.isDirectory(dir)) {
            return Map.of();
        }
        Map<String, String> out = new HashMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> sorted = files.filter(f -> f.getFileName().toString().matches(".*\\.ya?ml"))
                    .sorted()
                    .toList();
            for (Path f : sorted) {
                Matcher m = OUTPUT.matcher(Files.readString(f));
                if (m.find()) {
                    out.putIfAbsent(m.group(1), home.relativize(f).toString().replace('\\', '/'));
                }
            }
        } catch (IOException e) {
            // an unreadable folder names no file; the status then says how to write one
        }
        return out;
    }
}
