package dev.stoa.api.model;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * fsync for the model store's publishes: a rename is atomic, but without these the renamed folder may hold empty or
 * partly written files after a power cut (the data was still in the page cache), or the rename itself may be lost
 * (the parent folder's entry was not written).
 */
final class FileSync {

    private FileSync() {}

    /** Forces every file under {@code dir} to disk, then every folder, deepest first, {@code dir} last. */
    static void tree(Path dir) throws IOException {
        List<Path> all;
        try (Stream<Path> walk = Files.walk(dir)) {
            all = walk.sorted(Comparator.comparingInt(Path::getNameCount).reversed())
                    .toList();
        }
        for (Path p : all) {
            if (Files.isRegularFile(p)) {
                file(p);
            }
        }
        for (Path p : all) {
            if (Files.isDirectory(p)) {
                directory(p);
            }
        }
    }

    /** Forces a file's content and size to disk. */
    static void file(Path file) throws IOException {
        try (FileChannel c = FileChannel.open(file, StandardOpenOption.WRITE)) {
            c.force(true);
        }
    }

    /**
     * Forces a folder's entries (names created, renamed or removed in it) to disk. Linux and macOS allow opening a
     * folder for this; where the platform refuses (Windows), the file system's own ordering has to do.
     */
    static void directory(Path dir) throws IOException {
        try (FileChannel c = FileChannel.open(dir, StandardOpenOption.READ)) {
            c.force(true);
        } catch (IOException e) {
            if (System.getProperty("os.name", "").startsWith("Windows")) {
                return;
            }
            throw e;
        }
    }
}
