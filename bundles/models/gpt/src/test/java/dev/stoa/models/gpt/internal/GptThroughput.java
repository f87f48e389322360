package dev.stoa.models.gpt.internal;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import dev.stoa.nn.decode.SamplingFilters;
import dev.stoa.nn.lm.LanguageModel;
import dev.stoa.nn.lm.LanguageModelSteps;
import dev.stoa.nn.text.SpecialTokens;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Measures greedy decoding speed, tokens/s, with and without the key/value cache, for each variant file (random
 * weights: speed does not depend on them). Not a test: run by hand, numbers go to the README.
 *
 * <pre>
 * mvn -o -q -pl bundles/models/gpt -am test-compile -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false
 * mvn -o -q -pl bundles/models/gpt dependency:build-classpath -Dmdep.outputFile=/tmp/gpt.cp -Dmdep.includeScope=test
 * OMP_WAIT_POLICY=PASSIVE java -cp bundles/models/gpt/target/test-classes:bundles/models/gpt/target/classes:$(cat /tmp/gpt.cp) \
 *     dev.stoa.models.gpt.internal.GptThroughput [tokens] [variants...]
 * </pre>
 */
public final class GptThroughput {

    private GptThroughput() {}

    public static void main(String[] args) throws Exception {
        int tokens = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        String[] variants =
                args.length > 1 ? java.util.Arrays.copyOfRange(args, 1, args.length) : new String[] {"tiny", "small"};
        Engine.getEngine("PyTorch").setRandomSeed(1);
        System.out.printf(
                "variant, tokens, threads=%d, cached tok/s, uncached tok/s%n",
                Runtime.getRuntime().availableProcessors());
        for (String name : variants) {
            GptVariant variant;
            try (InputStream in = Files.newInputStream(
                    Path.of("bundles/models/gpt/src/main/resources/variants", name + ".properties"))) {
                variant = GptVariant.read(name, in);
            }
            try (GptGenerator g = GptGenerator.open(variant, Path.of("/nonexistent"), "PyTorch")) {
                int n = Math.min(tokens, g.model().maxSequenceLength() - 1);
                run(g.model(), n, true); // warm-up
                run(g.model(), n, false);
                double cached = best(g.model(), n, true);
                double uncached = best(g.model(), n, false);
                System.out.printf("%s, %d, , %.1f, %.1f%n", name, n, cached, uncached);
            }
        }
    }

    private static double best(LanguageModel model, int n, boolean cached) {
        double best = 0;
        for (int i = 0; i < 3; i++) {
            best = Math.max(best, run(model, n, cached));
        }
        return best;
    }

    /** Greedy steps from a start token, the end-of-text token never chosen, so every run makes n tokens. */
    private static double run(LanguageModel model, int n, boolean cached) {
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            LanguageModelSteps steps = new LanguageModelSteps(model, manager, null, cached);
            long start = System.nanoTime();
            LanguageModelSteps.State state = steps.start(new long[] {SpecialTokens.START});
            for (int i = 1; i < n; i++) {
                float[] logits = steps.logits(state).clone();
                logits[(int) SpecialTokens.END] = Float.NEGATIVE_INFINITY;
                state = steps.next(state, SamplingFilters.argmax(logits));
            }
            return n / ((System.nanoTime() - start) / 1e9);
        }
    }
}
