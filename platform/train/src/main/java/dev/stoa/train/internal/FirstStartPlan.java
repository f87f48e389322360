package dev.stoa.train.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * What the trainer trains at start-up, in which order: every {@code first_start: true} file whose output the model
 * store lacks, sorted so that a file comes after the files that output what it {@code needs} (topologically). Among
 * files whose needs are met, a higher {@code priority:} goes first (the default CLIP, so that it serves within
 * minutes), then a file more others wait for (it heads the longer chain, which should start first when runs train
 * side by side), then the folder's order. Files that cannot train are left out, each with
 * an error naming the file and line:
 * <ul>
 *   <li>a need the store lacks and no file of the folder outputs;</li>
 *   <li>a need only a file without {@code first_start: true} outputs (train that one by hand first);</li>
 *   <li>a cycle of needs, each edge with its file and line (checked over every file of the folder);</li>
 *   <li>a file whose own needs cannot be met for one of these reasons, and the files that need it in turn.</li>
 * </ul>
 *
 * @param order the files to queue, producers first
 * @param errors one message per file left out
 */
record FirstStartPlan(List<TrainingFile> order, List<String> errors) {

    /**
     * @param files every training file of the folder, in the folder's (name) order
     * @param inStore whether the model store holds a version of a model id
     * @return the plan
     */
    static FirstStartPlan of(List<TrainingFile> files, Predicate<String> inStore) {
        Map<String, TrainingFile> producers = new LinkedHashMap<>();
        for (TrainingFile f : files) {
            // a first_start file is the producer to wait for when several files output the same model
            if (f.output() != null && (f.firstStart() || !producers.containsKey(f.output()))) {
                producers.merge(f.output(), f, (old, now) -> old.firstStart() ? old : now);
            }
        }
        List<String> errors = new ArrayList<>();
        Set<TrainingFile> inCycle = new LinkedHashSet<>();
        for (TrainingFile f : files) {
            List<String> cycle = cycleFrom(f, producers);
            if (!cycle.isEmpty() && !inCycle.contains(f)) {
                errors.add("the needs of these training files form a cycle, so none of them trains at start-up: "
                        + String.join("; ", cycle) + "; remove one of these needs");
                files.stream()
                        .filter(g -> cycle.stream().anyMatch(e -> e.startsWith(g.file() + ":")))
                        .forEach(inCycle::add);
            }
        }
        List<TrainingFile> wanted = new ArrayList<>();
        for (TrainingFile f : files) {
            if (f.firstStart() && f.output() != null && !inStore.test(f.output()) && !inCycle.contains(f)) {
                wanted.add(f);
            } else if (f.firstStart() && f.output() == null) {
                errors.add(f.file() + ": first_start needs 'output' (the model store id to look for); not trained");
            }
        }
        // drop what cannot train, repeatedly: a file needing a dropped one cannot either
        Map<TrainingFile, String> dropped = new LinkedHashMap<>();
        boolean changed = true;
        while (changed) {
            changed = false;
            for (TrainingFile f : wanted) {
                if (dropped.containsKey(f)) {
                    continue;
                }
                for (TrainingFile.Need need : f.needs()) {
                    if (inStore.test(need.modelId())) {
                        continue;
                    }
                    TrainingFile producer = producers.get(need.modelId());
                    String why = null;
                    if (producer == null) {
                        why = "which the model store lacks and no training file in "
                                + f.file().getParent() + " outputs; add one with output: " + need.modelId()
                                + ", or install the model";
                    } else if (!producer.firstStart()) {
                        why = "which " + producer.file() + " outputs but not at start-up (first_start is false);"
                                + " train it first: bin/stoa train " + producer.file();
                    } else if (dropped.containsKey(producer) || !wanted.contains(producer)) {
                        why = "which " + producer.file() + " would output, but it cannot train";
                    }
                    if (why != null) {
                        dropped.put(
                                f,
                                f.where(need) + ": needs '" + need.modelId() + "', " + why
                                        + "; not trained at start-up");
                        changed = true;
                        break;
                    }
                }
            }
        }
        errors.addAll(dropped.values());
        wanted.removeAll(dropped.keySet());
        return new FirstStartPlan(topological(wanted, producers, inStore), List.copyOf(errors));
    }

    /**
     * Kahn's algorithm; among files ready at once, the highest priority, then the most files waiting for it, then the
     * folder's order.
     */
    private static List<TrainingFile> topological(
            List<TrainingFile> wanted, Map<String, TrainingFile> producers, Predicate<String> inStore) {
        List<TrainingFile> order = new ArrayList<>();
        List<TrainingFile> left = new ArrayList<>(wanted);
        java.util.Comparator<TrainingFile> first = java.util.Comparator.comparingInt(TrainingFile::priority)
                .thenComparingInt(f -> waitingFor(f, wanted, producers))
                .reversed();
        while (!left.isEmpty()) {
            TrainingFile ready = left.stream()
                    .filter(f -> f.needs().stream()
                            .allMatch(n -> inStore.test(n.modelId()) || order.contains(producers.get(n.modelId()))))
                    .min(first) // the first of equals in the folder's order: min keeps the earliest
                    .orElseThrow(() -> new IllegalStateException("a cycle survived the check: " + left));
            order.add(ready);
            left.remove(ready);
        }
        return List.copyOf(order);
    }

    /** @return how many of the wanted files need {@code f}'s output, directly or through others */
    private static int waitingFor(TrainingFile f, List<TrainingFile> wanted, Map<String, TrainingFile> producers) {
        Set<TrainingFile> waiting = new LinkedHashSet<>();
        List<TrainingFile> frontier = new ArrayList<>(List.of(f));
        while (!frontier.isEmpty()) {
            TrainingFile at = frontier.remove(frontier.size() - 1);
            for (TrainingFile g : wanted) {
                if (g != f
                        && !waiting.contains(g)
                        && g.needs().stream().anyMatch(n -> producers.get(n.modelId()) == at)) {
                    waiting.add(g);
                    frontier.add(g);
                }
            }
        }
        return waiting.size();
    }

    /**
     * @return the edges of a cycle of needs through {@code start} ("file:line needs 'x', which file2 outputs"), or
     *     an empty list; a need counts as an edge whether or not the store has it, since a cycle is a mistake in
     *     the files either way
     */
    private static List<String> cycleFrom(TrainingFile start, Map<String, TrainingFile> producers) {
        List<String> edges = new ArrayList<>();
        return walk(start, start, producers, edges, new LinkedHashSet<>()) ? edges : List.of();
    }

    private static boolean walk(
            TrainingFile at,
            TrainingFile target,
            Map<String, TrainingFile> producers,
            List<String> edges,
            Set<TrainingFile> seen) {
        if (!seen.add(at)) {
            return false;
        }
        for (TrainingFile.Need need : at.needs()) {
            TrainingFile next = producers.get(need.modelId());
            if (next == null || next == at) {
                continue;
            }
            edges.add(at.where(need) + " needs '" + need.modelId() + "', which " + next.file() + " outputs");
            if (next == target || walk(next, target, producers, edges, seen)) {
                return true;
            }
            edges.remove(edges.size() - 1);
        }
        return false;
    }
}
