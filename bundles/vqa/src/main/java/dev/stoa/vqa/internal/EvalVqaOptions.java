package dev.stoa.vqa.internal;

import java.util.List;

/**
 * The arguments of {@code bin/stoa eval-vqa}.
 *
 * @param pipelines the pipelines to score, side by side
 * @param n questions in the evaluation set
 * @param seed which questions
 * @param imageSize the scenes' side in pixels
 * @param parallel calls in flight at once
 */
record EvalVqaOptions(List<String> pipelines, int n, long seed, int imageSize, int parallel) {

    static final String USAGE = "eval-vqa [--pipeline P[,P2]] [--n 200] [--seed 0] [--image-size 96] [--parallel 4]";

    /**
     * @param args as typed
     * @return them, parsed
     * @throws IllegalArgumentException naming the bad option and the fix
     */
    static EvalVqaOptions parse(List<String> args) {
        List<String> pipelines = List.of("socratic-vqa");
        int n = 200;
        long seed = 0;
        int imageSize = 96;
        int parallel = 4;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (i + 1 >= args.size()) {
                throw new IllegalArgumentException("'" + a + "' needs a value");
            }
            String v = args.get(++i);
            switch (a) {
                case "--pipeline" -> pipelines = List.of(v.split(","));
                case "--n" -> n = number(a, v, 1, 10_000);
                case "--seed" -> seed = number(a, v, 0, Integer.MAX_VALUE);
                case "--image-size" -> imageSize = number(a, v, 16, 512);
                case "--parallel" -> parallel = number(a, v, 1, 64);
                default ->
                    throw new IllegalArgumentException(
                            "unknown option '" + a + "'; use --pipeline, --n," + " --seed, --image-size or --parallel");
            }
        }
        return new EvalVqaOptions(pipelines, n, seed, imageSize, parallel);
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
