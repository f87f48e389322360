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
 * @param phrasings {@code standard}: the evaluation set's wordings (those the answering model was trained on);
 *     {@code held-out}: also the same questions in the held-out phrasings ({@link HeldOutPhrasings}), side by side
 */
record EvalVqaOptions(List<String> pipelines, int n, long seed, int imageSize, int parallel, String phrasings) {

    /** The values of {@code --phrasings}. */
    static final List<String> PHRASINGS = List.of("standard", "held-out");

    static final String USAGE = "eval-vqa [--pipeline P[,P2]] [--n 200] [--seed 0] [--image-size 96] [--parallel 4]"
            + " [--phrasings standard|held-out]";

    /** @return whether the held-out phrasings are asked too */
    boolean heldOut() {
        return phrasings.equals("held-out");
    }

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
        String phrasings = "standard";
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
                case "--phrasings" -> {
                    if (!PHRASINGS.contains(v)) {
                        throw new IllegalArgumentException("--phrasings is '" + v + "'; use standard or held-out");
                    }
                    phrasings = v;
                }
                default ->
                    throw new IllegalArgumentException("unknown option '" + a
                            + "'; use --pipeline, --n, --seed, --image-size, --parallel or" + " --phrasings");
            }
        }
        return new EvalVqaOptions(pipelines, n, seed, imageSize, parallel, phrasings);
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
