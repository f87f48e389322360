package dev.stoa.models.gpt.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.stoa.api.StoaException;
import dev.stoa.api.generation.GenerationOptions;
import dev.stoa.nn.attention.KeyValueCache;
import dev.stoa.nn.decode.DecodeResult;
import dev.stoa.nn.decode.Decoding;
import dev.stoa.nn.lm.LanguageModel;
import dev.stoa.nn.lm.LanguageModelSteps;
import dev.stoa.nn.text.ByteTokenizer;
import dev.stoa.nn.text.SpecialTokens;
import dev.stoa.nn.transformer.TransformerStack;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The decoder on random weights: shapes, causality, and incremental decoding against a full recompute. */
class GptDecoderTest {

    private static final Map<String, Object> SMALL = Map.of("context_length", 24, "width", 32, "layers", 2, "heads", 4);

    private NDManager manager;
    private ParameterStore store;

    @BeforeEach
    void open() {
        Engine.getEngine("PyTorch").setRandomSeed(17);
        manager = NDManager.newBaseManager("PyTorch");
        store = new ParameterStore(manager, false);
    }

    @AfterEach
    void close() {
        manager.close();
    }

    private LanguageModel model(Map<String, Object> hyperparameters, Shape... shapes) {
        LanguageModel model = new GptFactory().create(hyperparameters);
        model.initialize(manager, DataType.FLOAT32, shapes);
        return model;
    }

    private NDArray randomIds(int length) {
        return manager.randomInteger(4, 260, new Shape(1, length), DataType.INT64);
    }

    @Test
    void cachedIncrementalDecodingGivesTheLogitsOfAFullRecompute() {
        LanguageModel model = model(SMALL, new Shape(1, 12));
        NDArray ids = randomIds(12);
        NDArray full = model.forward(store, new NDList(ids), false).head();
        assertThat(full.getShape()).isEqualTo(new Shape(1, 12, 260));

        TransformerStack.CachedOutput out = model.forwardWithCache(store, ids.get(":, 0:5"), null, null, false);
        NDArray steps = out.output();
        List<KeyValueCache> caches = out.caches();
        for (int t = 5; t < 12; t++) {
            out = model.forwardWithCache(store, ids.get(":, " + t + ":" + (t + 1)), null, caches, false);
            caches = out.caches();
            steps = steps.concat(out.output(), 1);
        }
        float maxDiff = full.sub(steps).abs().max().getFloat();
        assertThat(maxDiff).isLessThan(1e-4f);
        assertThat(full.abs().max().getFloat()).isGreaterThan(1e-2f); // the comparison is not of zeros
    }

    @Test
    void cachedDecodingAfterAPrefixMatchesTheFullForwardWithThatPrefix() {
        LanguageModel model = model(SMALL, new Shape(1, 8), new Shape(1, 3, 32));
        NDArray prefix = manager.randomNormal(new Shape(1, 3, 32));
        NDArray ids = randomIds(8);
        NDArray full = model.forward(store, new NDList(ids, prefix), false).head();
        assertThat(full.getShape()).isEqualTo(new Shape(1, 8, 260));

        TransformerStack.CachedOutput out = model.forwardWithCache(store, ids.get(":, 0:2"), prefix, null, false);
        assertThat(out.caches().get(0).length()).isEqualTo(5); // 3 prefix + 2 tokens
        NDArray steps = out.output();
        for (int t = 2; t < 8; t++) {
            out = model.forwardWithCache(store, ids.get(":, " + t + ":" + (t + 1)), null, out.caches(), false);
            steps = steps.concat(out.output(), 1);
        }
        assertThat(full.sub(steps).abs().max().getFloat()).isLessThan(1e-4f);
        // the prefix matters: another prefix gives other logits
        NDArray other = model.forward(store, new NDList(ids, manager.randomNormal(new Shape(1, 3, 32))), false)
                .head();
        assertThat(other.sub(full).abs().max().getFloat()).isGreaterThan(1e-3f);
    }

    @Test
    void laterTokensCannotChangeEarlierLogits() {
        LanguageModel model = model(SMALL, new Shape(1, 10));
        NDArray ids = randomIds(10);
        NDArray changed = ids.duplicate();
        changed.set(new ai.djl.ndarray.index.NDIndex("0, 9"), 7L);
        NDArray a = model.forward(store, new NDList(ids), false).head().get(":, 0:9, :");
        NDArray b = model.forward(store, new NDList(changed), false).head().get(":, 0:9, :");
        assertThat(a.sub(b).abs().max().getFloat()).isLessThan(1e-5f);
    }

    @Test
    void greedyAndSeededDecodingAgreeWithAndWithoutTheCache() {
        LanguageModel model = model(SMALL, new Shape(1, 2));
        ByteTokenizer bytes = new ByteTokenizer(24);
        long[] prompt = {SpecialTokens.START, 4 + 'a', 4 + ' '};
        Decoding decoding = new Decoding(SpecialTokens.END);
        for (GenerationOptions options : List.of(
                GenerationOptions.GREEDY.withMaxTokens(15),
                new GenerationOptions(15, 1.0, 20, 0.9, 1, List.of(), 9L),
                new GenerationOptions(6, 0, 0, 1, 3, List.of(), null))) {
            DecodeResult cached = decoding.generate(
                    new LanguageModelSteps(model, manager, null, true), prompt, options, bytes, piece -> {});
            DecodeResult recomputed = decoding.generate(
                    new LanguageModelSteps(model, manager, null, false), prompt, options, bytes, piece -> {});
            assertThat(cached.tokens()).containsExactly(recomputed.tokens());
            assertThat(cached.tokens()).isNotEmpty();
        }
    }

    @Test
    void untiedHeadAndBadHyperparameters() {
        LanguageModel untied =
                model(Map.of("context_length", 8, "width", 16, "heads", 2, "tie_embeddings", false), new Shape(2, 8));
        assertThat(untied.forward(store, new NDList(manager.ones(new Shape(2, 8), DataType.INT64)), false)
                        .head()
                        .getShape())
                .isEqualTo(new Shape(2, 8, 260));
        assertThat(untied.getParameters().keys()).anyMatch(k -> k.contains("lm_head"));
        assertThatThrownBy(() -> new GptFactory().create(Map.of("width", 30, "heads", 4)))
                .isInstanceOf(StoaException.class)
                .hasMessageContaining("heads")
                .hasMessageContaining("divisor");
        assertThatThrownBy(() -> new GptFactory().create(Map.of("depth", 3)))
                .isInstanceOf(StoaException.class)
                .hasMessageContaining("depth");
        assertThatThrownBy(() ->
                        untied.forward(store, new NDList(manager.ones(new Shape(1, 9), DataType.INT64)), false))
                .hasMessageContaining("K + T <= 8");
    }
}
