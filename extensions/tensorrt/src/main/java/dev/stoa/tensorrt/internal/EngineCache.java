package dev.stoa.tensorrt.internal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * Serialized engines on disk, one file per {@link EngineCacheKey}: {@code <folder>/<key>.engine}. A file is written
 * under a temporary name in the same folder, forced to disk and moved into place atomically, so that a reader (or a
 * second process building the same engine) never sees half an engine; the last writer wins with an identical file.
 */
final class EngineCache {

    /** Writes an engine's bytes to a channel. */
    @FunctionalInterface
    interface Writer {
        void write(FileChannel out) throws IOException;
    }

    private final Path folder;

    /** @param folder where engines are kept; created when the first one is stored */
    EngineCache(Path folder) {
        this.folder = folder;
    }

    /** @return the folder */
    Path folder() {
        return folder;
    }

    /** @return the file an engine of this key is kept in (it may not exist) */
    Path file(String key) {
        if (!key.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("an engine cache key is 64 hex digits, not '" + key + "'");
        }
        return folder.resolve(key + ".engine");
    }

    /** @return the cached engine's file, if there is one (empty files, left by a crash of an old writer, are not) */
    Optional<Path> lookup(String key) throws IOException {
        Path file = file(key);
        return Files.isRegularFile(file) && Files.size(file) > 0 ? Optional.of(file) : Optional.empty();
    }

    /**
     * Stores an engine.
     *
     * @param key its key
     * @param writer writes its bytes
     * @return the file it is now in
     * @throws IOException when it cannot be written; no partial file is left at the key's name
     */
    Path store(String key, Writer writer) throws IOException {
        Path target = file(key);
        Files.createDirectories(folder);
        Path tmp = Files.createTempFile(folder, key + ".", ".part");
        try {
            try (FileChannel out =
                    FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                writer.write(out);
                out.force(true);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            return target;
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Removes an engine that would not load (written by another TensorRT build, or damaged). */
    void evict(String key) throws IOException {
        Files.deleteIfExists(file(key));
    }
}
