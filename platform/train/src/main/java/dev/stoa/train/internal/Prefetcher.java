package dev.stoa.train.internal;

import dev.stoa.api.dataset.Dataset;
import dev.stoa.api.dataset.Example;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Reads the next batches of examples on a background thread while the current step trains (decoding or rendering
 * images costs as much as a small model's step). Skipped examples (the dataset returned null) are passed over and
 * the stream moves on, so a batch may span more positions than its size; {@link Batch#end()} records where it ended
 * so a checkpoint can resume exactly there.
 */
final class Prefetcher implements AutoCloseable {

    private static final int DEPTH = 2;

    /**
     * One batch.
     *
     * @param examples the examples, none null
     * @param end the stream position after the batch
     */
    record Batch(List<Example> examples, long end) {}

    private final Dataset.Split split;
    private final DataOrder order;
    private final int batchSize;
    private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(DEPTH);
    private Thread producer;
    private volatile boolean closed;
    private long position;

    Prefetcher(Dataset.Split split, DataOrder order, int batchSize) {
        this.split = split;
        this.order = order;
        this.batchSize = batchSize;
    }

    Dataset.Split split() {
        return split;
    }

    /** @return the first batch of the stream, read now, without consuming it */
    List<Example> peek() {
        return read(0, new DataOrder(0, split.size())).examples();
    }

    /**
     * Starts reading from a position.
     *
     * @param start the stream position to read from, 0 or a checkpoint's
     */
    void seek(long start) {
        position = start;
        producer = new Thread(() -> produce(start), "stoa-train-data");
        producer.setDaemon(true);
        producer.start();
    }

    private void produce(long start) {
        long p = start;
        try {
            while (!closed) {
                Batch b = read(p, order);
                p = b.end();
                queue.put(b);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            try {
                queue.put(e);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private Batch read(long from, DataOrder o) {
        List<Example> examples = new ArrayList<>(batchSize);
        long p = from;
        long misses = 0;
        while (examples.size() < batchSize) {
            Example e = split.get(o.index(p++));
            if (e == null) {
                if (++misses > Math.max(1000, 10L * batchSize) && misses > examples.size() * 10L) {
                    throw new IllegalStateException("the training split skipped " + misses + " examples in a row ("
                            + split.skipped() + " in all); check the dataset's files (see the log for each reason)");
                }
            } else {
                examples.add(e);
            }
        }
        return new Batch(examples, p);
    }

    /** @return the next batch, waiting for it */
    Batch next() throws InterruptedException {
        Object o = queue.take();
        if (o instanceof RuntimeException e) {
            throw e;
        }
        return (Batch) o;
    }

    /** Commits a trained batch: checkpoints resume after it. */
    void advance(Batch batch) {
        position = batch.end();
    }

    /** @return the position after the last committed batch */
    long position() {
        return position;
    }

    @Override
    public void close() {
        closed = true;
        if (producer != null) {
            producer.interrupt();
        }
    }
}
