package dev.stoa.vectors.lucene.internal;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Group commit: a write waits until a commit that includes it has finished, and writes that arrive while a commit
 * runs are committed together by the next one. So every acknowledged write is on disk (fsync'd), and under
 * concurrent load one commit (one fsync of the new segment files and of {@code segments_N}) serves many writes.
 *
 * <p>Writes are numbered by a counter that the writer increments after Lucene has the write
 * ({@code IndexWriter.updateDocument} returned). A commit reads the counter before it starts, so it includes every
 * write numbered up to that value, and marks those durable when it returns; a write numbered higher waits for the
 * next commit, which one of the waiting writers runs (the first to take the lock; the others find their number
 * already durable when they get it).
 */
final class GroupCommit {

    /** One Lucene commit: writes everything the writer holds and fsyncs it. */
    interface Commit {
        void run() throws IOException;
    }

    private final Commit commit;
    private final LongSupplier written;
    private final Object lock = new Object();
    /** The highest write number a finished commit included; guarded by {@link #lock}. */
    private long durable;

    private final AtomicLong commits = new AtomicLong();

    /**
     * @param commit runs one commit
     * @param written the number of the last write Lucene has (incremented after each write returned)
     */
    GroupCommit(Commit commit, LongSupplier written) {
        this.commit = commit;
        this.written = written;
    }

    /**
     * Returns once write {@code number} is durable, committing if no finished commit includes it.
     *
     * @param number the write's number, as the counter gave it after the write returned
     * @throws IOException if the commit fails (the write may then be lost on a crash)
     */
    void awaitDurable(long number) throws IOException {
        synchronized (lock) {
            if (durable >= number) {
                return; // committed by the commit that ran while this write waited for the lock
            }
            commitLocked();
        }
    }

    /** Commits now whatever the writer holds (the periodic commit, {@code commit()}, closing). */
    void commitNow() throws IOException {
        synchronized (lock) {
            commitLocked();
        }
    }

    private void commitLocked() throws IOException {
        long upTo = written.getAsLong();
        commit.run();
        commits.incrementAndGet();
        durable = Math.max(durable, upTo);
    }

    /** @return how many commits ran (to report writes per commit) */
    long commits() {
        return commits.get();
    }
}
