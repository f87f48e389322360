package dev.stoa.train.internal;

/**
 * How many PyTorch intra-op threads each running run may use, so that runs trained side by side share the machine's
 * cores instead of each taking all of them (two runs with two threads each on two cores wait on each other's
 * threads, which OpenMP makes far slower than one thread each). The budget is split evenly among the runs running
 * now, the earlier-started runs taking the remainder, and never below one thread a run; when a run ends, the others
 * take its share at their next step.
 *
 * @param threads the intra-op threads all running runs share, at least 1
 */
record ThreadBudget(int threads) {

    ThreadBudget {
        if (threads < 1) {
            throw new IllegalArgumentException("threads is " + threads + "; use at least 1");
        }
    }

    /**
     * @param configured the trainer's {@code threads} setting; 0 or less means every core the JVM sees
     * @return the budget
     */
    static ThreadBudget of(int configured) {
        return new ThreadBudget(
                configured > 0 ? configured : Runtime.getRuntime().availableProcessors());
    }

    /**
     * @param index the run's place among the running runs, in the order they started (0 first)
     * @param running how many runs are running, at least {@code index + 1}
     * @return the intra-op threads that run may use now
     */
    int share(int index, int running) {
        if (running < 1 || index < 0 || index >= running) {
            throw new IllegalArgumentException("run " + index + " of " + running + " running");
        }
        int even = threads / running;
        int extra = index < threads % running ? 1 : 0;
        return Math.max(1, even + extra);
    }
}
