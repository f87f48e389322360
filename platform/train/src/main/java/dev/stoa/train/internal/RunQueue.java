package dev.stoa.train.internal;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The trainer's queue: up to {@code slots} runs at a time (one by default), started in the order they were queued,
 * each with its share of the {@link ThreadBudget}. A run whose {@code needs:} the model store lacks waits (still {@code queued}, its message naming the run it waits for) until a run that outputs them
 * succeeds. A run fails instead of waiting when nothing queued or running will produce what it needs: at
 * {@link #add} (the caller gets the error), or later when the run that would have produced it failed or was
 * cancelled. Since every missing need of a run is produced by a run queued
 * before it, the waits never form a cycle; a cycle among training files is reported when they are planned
 * ({@link FirstStartPlan}) or, for files started by hand, as the need that nothing queued produces.
 *
 * <p>A need is produced by a run whose training file names it as {@code output}: a file that others need must name
 * its output (the model's own default id is known only once the model is built).
 */
final class RunQueue {

    private final Predicate<String> inStore;
    private final List<TrainingRun> pending = new ArrayList<>();
    /** The last run per output that ended without publishing it, for the message of those that needed it. */
    private final Map<String, TrainingRun> lastFailed = new HashMap<>();

    /** The running runs, in the order they started. */
    private final List<TrainingRun> running = new ArrayList<>();

    private final int slots;
    private final ThreadBudget budget;
    private boolean closed;

    /** One run at a time, with every core. @param inStore whether the model store holds a version of a model id */
    RunQueue(Predicate<String> inStore) {
        this(inStore, 1, ThreadBudget.of(0));
    }

    /**
     * @param inStore whether the model store holds a version of a model id
     * @param slots how many runs may run at once, at least 1
     * @param budget the intra-op threads the running runs share
     */
    RunQueue(Predicate<String> inStore, int slots, ThreadBudget budget) {
        if (slots < 1) {
            throw new IllegalArgumentException("slots is " + slots + "; use at least 1");
        }
        this.inStore = inStore;
        this.slots = slots;
        this.budget = budget;
    }

    /** @return how many runs may run at once */
    int slots() {
        return slots;
    }

    /**
     * @param run a run {@link #take} returned
     * @return the intra-op threads it may use now: its share of the budget among the runs running now (the budget
     *     itself once it no longer runs)
     */
    synchronized int threadsFor(TrainingRun run) {
        int index = running.indexOf(run);
        return index < 0 ? budget.threads() : budget.share(index, running.size());
    }

    /** @return the runs running now, in the order they started */
    synchronized List<TrainingRun> running() {
        return List.copyOf(running);
    }

    /**
     * Queues a run.
     *
     * @param run a run not yet started
     * @throws StoaException {@code BAD_CONFIG} naming the file and line of the need when the store lacks it and no
     *     queued or running run outputs it
     */
    synchronized void add(TrainingRun run) {
        for (TrainingFile.Need need : run.file().needs()) {
            if (!inStore.test(need.modelId()) && producer(need.modelId(), run) == null) {
                throw new StoaException(FailureCode.BAD_CONFIG, unproducible(run.file(), need));
            }
        }
        pending.add(run);
        review();
        notifyAll();
    }

    /**
     * Waits for the next run that can start: the first queued one whose needs are all in the store. Fails, on the
     * way, queued runs that were cancelled or whose needs nothing will produce any more.
     *
     * @return the run, now counted as running until {@link #finished} (waits while {@code slots} runs are running);
     *     null once {@link #close}d
     * @throws InterruptedException if the trainer thread is interrupted while waiting
     */
    synchronized TrainingRun take() throws InterruptedException {
        while (!closed) {
            TrainingRun next = review();
            if (next != null && running.size() < slots) {
                pending.remove(next);
                running.add(next);
                return next;
            }
            wait();
        }
        return null;
    }

    /**
     * Goes through the queued runs in order: fails those cancelled or whose needs nothing will produce any more,
     * and tells each waiting one what it waits for.
     *
     * @return the first run that could start now, still queued; null if none
     */
    private TrainingRun review() {
        TrainingRun first = null;
        for (Iterator<TrainingRun> it = pending.iterator(); it.hasNext(); ) {
            TrainingRun run = it.next();
            if (run.cancelled()) {
                it.remove();
                run.fail("cancelled", "cancelled before it started");
                continue;
            }
            List<String> waits = new ArrayList<>();
            String impossible = null;
            for (TrainingFile.Need need : run.file().needs()) {
                if (inStore.test(need.modelId())) {
                    continue;
                }
                TrainingRun producer = producer(need.modelId(), run);
                if (producer == null) {
                    impossible = unproducible(run.file(), need);
                    break;
                }
                waits.add("run " + producer.status().id() + " to output '" + need.modelId() + "'");
            }
            if (impossible != null) {
                it.remove();
                run.fail("failed", impossible);
            } else if (!waits.isEmpty()) {
                run.waiting("waiting for " + String.join(" and ", waits) + ", which it needs");
            } else if (first == null) {
                first = run;
            }
        }
        return first;
    }

    /** @return the queued or running run (other than {@code asker}) whose file outputs {@code modelId}, or null */
    private TrainingRun producer(String modelId, TrainingRun asker) {
        for (TrainingRun r : running) {
            if (r != asker && modelId.equals(r.file().output())) {
                return r;
            }
        }
        for (TrainingRun r : pending) {
            if (r != asker && !r.cancelled() && modelId.equals(r.file().output())) {
                return r;
            }
        }
        return null;
    }

    private String unproducible(TrainingFile file, TrainingFile.Need need) {
        TrainingRun failed = lastFailed.get(need.modelId());
        String why = failed == null
                ? "no queued or running training outputs it"
                : "run " + failed.status().id() + ", which would have produced it, ended "
                        + failed.status().state() + " (" + failed.status().message() + ")";
        return file.where(need) + ": needs '" + need.modelId() + "', which the model store lacks and " + why
                + "; train it first (bin/stoa train FILE with output: " + need.modelId() + "), then this file";
    }

    /** Called when the run {@link #take} returned has ended, whatever its outcome. */
    synchronized void finished(TrainingRun run) {
        running.remove(run);
        String output = run.file().output();
        if (output != null && !"succeeded".equals(run.status().state())) {
            lastFailed.put(output, run);
        } else if (output != null) {
            lastFailed.remove(output);
        }
        review();
        notifyAll();
    }

    /** After a queued run was cancelled: marks it at once, and what needed it. */
    synchronized void changed() {
        review();
        notifyAll();
    }

    /** Makes {@link #take} return null: the trainer is stopping. */
    synchronized void close() {
        closed = true;
        notifyAll();
    }
}
