package dev.stoa.train.internal;

import static dev.stoa.train.internal.TrainingFiles.file;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoa.api.StoaException;
import dev.stoa.api.model.ModelStore;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The trainer's queue on real training files and runs (not started: the queue only decides which may start). */
class RunQueueTest {

    @TempDir
    Path home;

    private final Set<String> store = new HashSet<>();
    private final RunQueue queue = new RunQueue(store::contains);

    private TrainingRun run(TrainingFile file) {
        return new TrainingRun(
                file.name() + "-1", file, null, new ModelStore(home.resolve("models")), home.resolve("runs"), s -> {});
    }

    /** A producer whose name sorts last, a run that needs its output, and one that needs nothing. */
    private record Three(TrainingRun base, TrainingRun captions, TrainingRun other) {}

    /** @return the three runs, queued in that order */
    private Three queueThree() {
        Three q = new Three(
                run(file("z-base", false, "clip-tiny-scenes")),
                run(file("a-captions", false, "clipcap-scenes", "clip-tiny-scenes")),
                run(file("b-other", false, "gpt-x")));
        List.of(q.base(), q.captions(), q.other()).forEach(queue::add);
        return q;
    }

    @Test
    void aRunWaitsForTheRunThatOutputsWhatItNeedsAndSaysSo() throws Exception {
        Three q = queueThree();
        assertThat(q.captions().status().state()).isEqualTo("queued");
        assertThat(q.captions().status().message())
                .isEqualTo("waiting for run z-base-1 to output 'clip-tiny-scenes'," + " which it needs");

        assertThat(queue.take()).isSameAs(q.base());
        // one run at a time: nothing else starts while it runs
        assertThat(takeWithin(300)).isNull();
    }

    @Test
    void theWaitingRunStartsOnceItsProducerHasPublished() throws Exception {
        Three q = queueThree();
        assertThat(queue.take()).isSameAs(q.base());
        store.add("clip-tiny-scenes"); // what a succeeding run does: publish its output
        queue.finished(q.base());
        assertThat(queue.take()).isSameAs(q.captions());
        queue.finished(q.captions());
        assertThat(queue.take()).isSameAs(q.other());
    }

    @Test
    void aNeedNothingWillProduceFailsAtOnceNamingFileAndLine() throws InterruptedException {
        store.add("clip-tiny");
        assertThatThrownBy(() ->
                        queue.add(run(file("captions", false, "clipcap-scenes", "clip-tiny", "clip-tiny-scenes"))))
                .isInstanceOf(StoaException.class)
                .hasMessageStartingWith("etc/train/captions.yaml:6: needs 'clip-tiny-scenes', which the model store"
                        + " lacks and no queued or running training outputs it");
        store.add("clip-tiny-scenes");
        TrainingRun run = run(file("captions", false, "clipcap-scenes", "clip-tiny", "clip-tiny-scenes"));
        queue.add(run);
        assertThat(queue.take()).isSameAs(run);
    }

    @Test
    void whenTheProducerFailsTheRunThatWaitedFailsSayingWhy() throws Exception {
        Three q = queueThree();
        assertThat(queue.take()).isSameAs(q.base());
        q.base().fail("failed", "out of memory");
        queue.finished(q.base());

        assertThat(queue.take()).isSameAs(q.other());
        assertThat(q.captions().status().state()).isEqualTo("failed");
        assertThat(q.captions().status().message())
                .startsWith("etc/train/a-captions.yaml:5: needs 'clip-tiny-scenes'")
                .contains("run z-base-1, which would have produced it, ended failed (out of memory)");
    }

    @Test
    void aRunCancelledWhileWaitingIsMarkedAndNeverStarts() throws Exception {
        TrainingRun base = run(file("base", false, "m"));
        TrainingRun waiting = run(file("waits", false, "n", "m"));
        queue.add(base);
        queue.add(waiting);
        assertThat(queue.take()).isSameAs(base);
        waiting.cancel();
        queue.changed();
        assertThat(waiting.status().state()).isEqualTo("cancelled");
        store.add("m");
        queue.finished(base);
        assertThat(takeWithin(300)).isNull();
    }

    @Test
    void withTwoSlotsIndependentRunsTrainSideBySideSharingTheThreads() throws Exception {
        RunQueue two = new RunQueue(store::contains, 2, new ThreadBudget(2));
        TrainingRun base = run(file("z-base", false, "clip-tiny-scenes"));
        TrainingRun captions = run(file("a-captions", false, "clipcap-scenes", "clip-tiny-scenes"));
        TrainingRun other = run(file("b-other", false, "gpt-x"));
        TrainingRun fourth = run(file("c-fourth", false, "gpt-y"));
        List.of(base, captions, other, fourth).forEach(two::add);

        assertThat(two.take()).isSameAs(base);
        assertThat(two.threadsFor(base)).isEqualTo(2); // alone, it may use the whole budget
        // the next queued run waits for base's output, so the free slot goes to the one after it
        assertThat(two.take()).isSameAs(other);
        assertThat(two.running()).containsExactly(base, other);
        assertThat(List.of(two.threadsFor(base), two.threadsFor(other))).containsExactly(1, 1);
        // both slots are taken: nothing more starts, though c-fourth could
        assertThat(takeWithin(two, 300)).isNull();

        // afresh: a slot that frees goes back to the budget, and a waiting run starts only once its producer published
        two = new RunQueue(store::contains, 2, new ThreadBudget(2));
        TrainingRun base2 = run(file("z-base", false, "clip-tiny-scenes"));
        TrainingRun captions2 = run(file("a-captions", false, "clipcap-scenes", "clip-tiny-scenes"));
        TrainingRun other2 = run(file("b-other", false, "gpt-x"));
        for (TrainingRun r : List.of(base2, captions2, other2)) {
            two.add(r);
        }
        assertThat(two.take()).isSameAs(base2);
        assertThat(two.take()).isSameAs(other2);
        two.finished(other2);
        // a slot is free, but the captioner still waits for its producer
        assertThat(captions2.status().message()).contains("waiting for run z-base-1");
        assertThat(two.threadsFor(base2)).isEqualTo(2); // the finished run's thread went back to it
        store.add("clip-tiny-scenes");
        two.finished(base2);
        assertThat(two.take()).isSameAs(captions2);
        assertThat(two.threadsFor(captions2)).isEqualTo(2);
    }

    @Test
    void slotsBelowOneAreRefused() {
        assertThatThrownBy(() -> new RunQueue(store::contains, 0, new ThreadBudget(2)))
                .hasMessageContaining("at least 1");
    }

    /** @return what take() returned within the time, or null if it was still waiting */
    private TrainingRun takeWithin(RunQueue q, long ms) throws Exception {
        CompletableFuture<TrainingRun> taken = CompletableFuture.supplyAsync(() -> {
            try {
                return q.take();
            } catch (InterruptedException e) {
                return null;
            }
        });
        try {
            return taken.get(ms, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            q.close(); // releases the waiting thread
            return null;
        }
    }

    /** @return what take() returned within the time, or null if it was still waiting */
    private TrainingRun takeWithin(long ms) throws Exception {
        CompletableFuture<TrainingRun> taken = CompletableFuture.supplyAsync(() -> {
            try {
                return queue.take();
            } catch (InterruptedException e) {
                return null;
            }
        });
        try {
            return taken.get(ms, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            queue.close(); // releases the waiting thread
            return null;
        }
    }
}
