package dev.stoa.survey.internal;

import java.util.List;

/**
 * The arguments of {@code bin/stoa bench-survey}.
 *
 * @param n scenes (and VQA questions) per task
 * @param seed which scenes
 * @param rows the rows file, or null for {@code etc/survey-benchmark.yaml}
 * @param only row names to run (case-insensitive), empty for all
 * @param parallel calls in flight at once
 */
record SurveyOptions(int n, long seed, String rows, List<String> only, int parallel) {

    static final String USAGE =
            "bench-survey [--n 200] [--seed 0] [--rows etc/survey-benchmark.yaml] [--only ROW[,ROW2]] [--parallel 4]";

    /**
     * @param args as typed
     * @return them, parsed
     * @throws IllegalArgumentException naming the bad option and the fix
     */
    static SurveyOptions parse(List<String> args) {
        int n = 200;
        long seed = 0;
        String rows = null;
        List<String> only = List.of();
        int parallel = 4;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (i + 1 >= args.size()) {
                throw new IllegalArgumentException("'" + a + "' needs a value");
            }
            String v = args.get(++i);
            switch (a) {
                case "--n" -> n = number(a, v, 2, 5000);
                case "--seed" -> seed = number(a, v, 0, Integer.MAX_VALUE);
                case "--rows" -> rows = v;
                case "--only" ->
                    only = List.of(v.split(",")).stream()
                            .map(String::strip)
                            .filter(s -> !s.isEmpty())
                            .toList();
                case "--parallel" -> parallel = number(a, v, 1, 64);
                default ->
                    throw new IllegalArgumentException(
                            "unknown option '" + a + "'; use --n, --seed, --rows, --only or --parallel");
            }
        }
        return new SurveyOptions(n, seed, rows, only, parallel);
    }

    private static int number(String option, String v, int min, int max) {
        try {
            int x = Integer.parseInt(v.trim());
            if (x >= min && x <= max) {
                return x;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(option + " is '" + v + "'; use a whole number from " + min + " to " + max);
    }
}
