package dev.stoa.api.model;

import dev.stoa.api.StoaException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The model store's layout on disk: {@code <root>/<id>/<n>/}, one folder per version, numbered from 1. A version
 * folder appears whole or not at all: it is written under {@code <root>/<id>/.staging-*} and renamed into place
 * ({@link #publish}), so a reader never sees half a model, even if the writer is killed. Before the rename every file
 * and folder of the staged version is fsync'd, and the model's folder after it, so a published version is whole on
 * disk after a power cut too. A staging folder left by a writer killed mid-publish is never read, and
 * {@link #removeLeftoverStaging()} (run by the trainer when it starts) removes it. Versions are never changed after
 * publishing; a newer one supersedes them.
 *
 * @param root the store's folder, normally {@code ${stoa.home}/data/models}
 */
public record ModelStore(Path root) {

    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9._-]{0,99}");
    private static final Pattern VERSION = Pattern.compile("[1-9][0-9]{0,8}");

    /**
     * @param stoaHome the installation folder ({@code stoa.home}), or null for the working directory
     * @return the store at {@code <stoaHome>/data/models}
     */
    public static ModelStore at(String stoaHome) {
        return new ModelStore(Path.of(stoaHome == null ? "." : stoaHome, "data", "models"));
    }

    /**
     * @param id a model id
     * @return the newest published version of the model, if any
     */
    public Optional<Version> latest(String id) {
        return versions(id).stream().max(Comparator.comparingInt(Version::number));
    }

    /**
     * @param id a model id
     * @return every published version, oldest first
     */
    public List<Version> versions(String id) {
        Path dir = root.resolve(checkId(id));
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> children = Files.list(dir)) {
            return children.filter(Files::isDirectory)
                    .filter(p -> VERSION.matcher(p.getFileName().toString()).matches())
                    .map(p -> new Version(id, Integer.parseInt(p.getFileName().toString()), p))
                    .sorted(Comparator.comparingInt(Version::number))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }

    /**
     * @param id a model id
     * @return an empty folder on the store's file system to write a new version into, for {@link #publish}
     * @throws IOException if it cannot be created
     */
    public Path newStaging(String id) throws IOException {
        Path dir = Files.createDirectories(root.resolve(checkId(id)));
        return Files.createDirectory(dir.resolve(".staging-" + UUID.randomUUID()));
    }

    /**
     * Publishes a staged folder as the next version, atomically.
     *
     * @param id the model id
     * @param staging a folder from {@link #newStaging(String)}, complete
     * @return the version it became
     * @throws IOException if it cannot be moved
     */
    public Version publish(String id, Path staging) throws IOException {
        FileSync.tree(staging);
        for (int attempt = 0; attempt < 100; attempt++) {
            int next = latest(id).map(v -> v.number() + 1).orElse(1);
            Path target = root.resolve(id).resolve(Integer.toString(next));
            try {
                Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
                // the new name is an entry of the model's folder: durable once that folder is
                FileSync.directory(target.getParent());
                return new Version(id, next, target);
            } catch (FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException raced) {
                // another writer took this number first: try the next one
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("the model store " + root + " must be on one file system (atomic rename)", e);
            }
        }
        throw new IOException("cannot publish " + staging + " as a version of " + id);
    }

    /**
     * Removes the staging folders ({@code <root>/<id>/.staging-*}) that writers killed before publishing left. Call
     * it only when no publish is under way in this store (the trainer does at start, before its first run).
     *
     * @return the folders removed
     * @throws IOException if one cannot be removed
     */
    public List<Path> removeLeftoverStaging() throws IOException {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        List<Path> staging;
        try (Stream<Path> models = Files.list(root)) {
            staging = models.filter(Files::isDirectory)
                    .flatMap(ModelStore::stagingIn)
                    .sorted()
                    .toList();
        }
        for (Path s : staging) {
            try (Stream<Path> walk = Files.walk(s)) {
                for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
        return staging;
    }

    private static Stream<Path> stagingIn(Path modelDir) {
        try (Stream<Path> children = Files.list(modelDir)) {
            return children
                    .filter(p -> p.getFileName().toString().startsWith(".staging-"))
                    .filter(Files::isDirectory)
                    .toList()
                    .stream();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + modelDir, e);
        }
    }

    private static String checkId(String id) {
        if (id == null || !ID.matcher(id).matches()) {
            throw StoaException.badInput(
                    "model id", "is '" + id + "'; use lower-case letters, digits, '.', '_' or '-'");
        }
        return id;
    }

    /**
     * One published version.
     *
     * @param id the model id
     * @param number the version number, from 1
     * @param path its folder
     */
    public record Version(String id, int number, Path path) {}
}
