package dev.stoa.models.dalle.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.stoa.api.data.Image;
import dev.stoa.nn.attention.KeyValueCache;
import dev.stoa.nn.decode.SamplingFilters;
import dev.stoa.nn.text.ByteTokenizer;
import dev.stoa.nn.text.TokenBatch;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.IntConsumer;

/**
 * DALL-E's sampling (section 2.2 of the paper, before the reranking): the caption's tokens go through the transformer
 * once, then the N image tokens are drawn one at a time, each from the transformer's distribution over the K codes
 * given the caption and the tokens before it (temperature, optional top-k), with a key/value cache so each step runs
 * only the new position; the dVAE's decoder turns the grid of drawn tokens into pixels.
 *
 * <p>Draws come from Java's {@link SplittableRandom}, one per row, never from the engine's global generator: the same
 * generators give the same images, whatever else runs at the same time.
 */
final class DalleSampler {

    private DalleSampler() {}

    /**
     * The drawn samples.
     *
     * @param tokens each row's image tokens, N each
     * @param images each row's decoded image
     */
    record Samples(long[][] tokens, List<Image> images) {}

    /**
     * @param model the transformer
     * @param dvae the discrete VAE whose tokens it models
     * @param ps where both read their parameters
     * @param manager where the work happens; the caller closes it
     * @param tokenizer the caption tokenizer
     * @param texts one caption per row
     * @param randoms one generator per row
     * @param temperature the softmax temperature, above 0
     * @param topK keep the k most likely codes (0: all)
     * @param progress told the number of tokens drawn after each step (1 .. N)
     * @return the rows' tokens and images
     */
    static Samples sample(
            Dalle model,
            Dvae dvae,
            ParameterStore ps,
            NDManager manager,
            ByteTokenizer tokenizer,
            List<String> texts,
            List<SplittableRandom> randoms,
            double temperature,
            int topK,
            IntConsumer progress) {
        int rows = texts.size();
        int n = model.imageTokens();
        int k = model.imageVocabulary();
        long[][] tokens = new long[rows][n];
        NDManager state = manager.newSubManager();
        try {
            TokenBatch batch = tokenizer.encode(texts);
            NDArray text = state.create(batch.flatIds(), new Shape(rows, batch.contextLength()));
            Dalle.Step step = model.start(ps, text);
            for (int cell = 0; cell < n; cell++) {
                float[] logits = step.logits().toFloatArray();
                long[] drawn = new long[rows];
                float[] row = new float[k];
                for (int b = 0; b < rows; b++) {
                    System.arraycopy(logits, b * k, row, 0, k);
                    double[] p = SamplingFilters.distribution(row, temperature, topK, 1.0);
                    drawn[b] = SamplingFilters.sample(p, randoms.get(b));
                    tokens[b][cell] = drawn[b];
                }
                progress.accept(cell + 1);
                if (cell == n - 1) {
                    break;
                }
                // each step's work in its own manager; only the caches and logits it returns live on
                NDManager next = manager.newSubManager();
                try (NDManager work = manager.newSubManager()) {
                    step = model.next(ps, work.create(drawn, new Shape(rows, 1)), cell, step.caches());
                    step.logits().attach(next);
                    for (KeyValueCache c : step.caches()) {
                        c.keys().attach(next);
                        c.values().attach(next);
                    }
                } catch (RuntimeException | Error e) {
                    next.close();
                    throw e;
                }
                state.close();
                state = next;
            }
        } finally {
            state.close();
        }
        return new Samples(tokens, decode(dvae, ps, manager, tokens));
    }

    /** @return the dVAE's images of token grids, decoded in batches */
    static List<Image> decode(Dvae dvae, ParameterStore ps, NDManager manager, long[][] tokens) {
        int n = dvae.config().tokens();
        List<Image> out = new java.util.ArrayList<>(tokens.length);
        for (int from = 0; from < tokens.length; from += 100) {
            int to = Math.min(tokens.length, from + 100);
            long[] flat = new long[(to - from) * n];
            for (int b = from; b < to; b++) {
                System.arraycopy(tokens[b], 0, flat, (b - from) * n, n);
            }
            try (NDManager work = manager.newSubManager()) {
                out.addAll(DallePixels.images(dvae.decode(ps, work.create(flat, new Shape(to - from, n)))));
            }
        }
        return out;
    }
}
