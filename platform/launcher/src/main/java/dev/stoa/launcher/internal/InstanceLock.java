package dev.stoa.launcher.internal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Keeps a second {@code stoa run} off an installation that is already running. Felix's own cache lock does not:
 * it ignores a lock held by another process, and then the second instance empties the first one's cache.
 */
final class InstanceLock implements AutoCloseable {

    private final FileChannel channel;
    private final FileLock lock;

    private InstanceLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * @param data the installation's {@code data/} folder; created if missing
     * @return the lock, held until closed or the JVM exits
     * @throws IOException when the lock file cannot be created
     * @throws IllegalStateException when another process holds the lock
     */
    static InstanceLock acquire(Path data) throws IOException {
        Path file = Files.createDirectories(data).resolve("stoa.lock");
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock = channel.tryLock();
        if (lock == null) {
            channel.close();
            throw new IllegalStateException("Stoa is already running from " + data.getParent() + " (" + file
                    + " is locked); stop it first, or run another installation");
        }
        return new InstanceLock(channel, lock);
    }

    @Override
    public void close() throws IOException {
        lock.release();
        channel.close();
    }
}
