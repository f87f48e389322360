package dev.stoa.onnxruntime.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoa.api.data.Embedding;
import dev.stoa.api.data.Text;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Reports per-sentence latency (batch 1) and batched throughput of MiniLM fp32 and quantized, as {@code [measure]}
 * lines. No timed assertion: the build machine is shared. It does check that batching changes no result.
 */
class EncoderSpeedTest {

    private static final int ROUNDS = 3;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {TestModels.MINILM, TestModels.MINILM_Q})
    void latencyAndThroughput(String name) throws Exception {
        List<Text> texts = TestModels.SENTENCES.stream().map(Text::new).toList();
        try (OnnxSentenceEncoder encoder = TestModels.load(name, "mean")) {
            encoder.encodeBatch(texts); // warm the kernels for every sequence length
            long[] single = new long[texts.size() * ROUNDS];
            Embedding[] one = new Embedding[texts.size()];
            for (int r = 0; r < ROUNDS; r++) {
                for (int i = 0; i < texts.size(); i++) {
                    long t = System.nanoTime();
                    one[i] = encoder.call(texts.get(i));
                    single[r * texts.size() + i] = System.nanoTime() - t;
                }
            }
            double meanMs = Arrays.stream(single).average().orElseThrow() / 1e6;
            Arrays.sort(single);
            long start = System.nanoTime();
            List<Embedding> batched = null;
            for (int r = 0; r < ROUNDS; r++) {
                batched = encoder.encodeBatch(texts);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf(
                    "[measure] %s batch 1: mean %.1f ms, p50 %.1f ms, p90 %.1f ms a sentence (%d calls);"
                            + " encodeBatch of 50, %d per pass: %.0f sentences/s (%d threads available)%n",
                    name,
                    meanMs,
                    single[single.length / 2] / 1e6,
                    single[single.length * 9 / 10] / 1e6,
                    single.length,
                    encoder.batchSize(),
                    texts.size() * ROUNDS / seconds,
                    Runtime.getRuntime().availableProcessors());
            for (int i = 0; i < texts.size(); i++) {
                assertThat(batched.get(i).cosine(one[i]))
                        .as("sentence %d alone and in a batch", i)
                        .isGreaterThan(0.9999);
            }
        }
    }
}
