package dev.stoa.nn.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import dev.stoa.nn.attention.AttentionMasks;
import dev.stoa.nn.attention.AttentionStep;
import dev.stoa.nn.attention.MultiHeadAttention;
import dev.stoa.nn.embed.ClassToken;
import dev.stoa.nn.embed.PatchEmbedding;
import dev.stoa.nn.embed.PositionalEmbedding;
import dev.stoa.nn.pool.AttentionalPooler;
import dev.stoa.nn.pool.ClsPooler;
import dev.stoa.nn.pool.EndOfTextPooler;
import dev.stoa.nn.pool.MeanPooler;
import dev.stoa.nn.transformer.TransformerLayer;
import dev.stoa.nn.transformer.TransformerStack;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Each block, randomly initialised (every parameter, biases and norms included), run in DJL (PyTorch) and as its
 * exported graph on ONNX Runtime CPU: outputs equal within 1e-4.
 */
class OnnxBlocksTest {

    static final double TOLERANCE = 1e-4;
    private static final Map<String, Double> DIFFS = new TreeMap<>();

    private NDManager manager;
    private ParameterStore store;

    @BeforeEach
    void open() {
        Engine.getEngine("PyTorch").setRandomSeed(11);
        manager = NDManager.newBaseManager("PyTorch");
        store = new ParameterStore(manager, false);
    }

    @AfterEach
    void close() {
        manager.close();
    }

    @AfterAll
    static void report() {
        DIFFS.forEach((k, v) -> System.out.printf("onnx max |DJL - ORT| %-40s %.3e%n", k, v));
    }

    /** Initialises the block, then moves every parameter off its initial value (norms are ones and zeros). */
    private <B extends Block> B init(B block, Shape... inputs) {
        block.initialize(manager, DataType.FLOAT32, inputs);
        for (Parameter p : block.getParameters().values()) {
            NDArray a = p.getArray();
            a.addi(manager.randomNormal(0, 0.3f, a.getShape(), DataType.FLOAT32));
        }
        return block;
    }

    private NDArray random(long... shape) {
        return manager.randomNormal(new Shape(shape));
    }

    private NDArray forward(Block block, NDArray... inputs) {
        return block.forward(store, new NDList(inputs), false).head();
    }

    /** Exports, checks, runs on ORT and compares output {@code y}. */
    private double check(String label, OnnxGraph g, Map<String, NDArray> feeds, NDArray expected) throws Exception {
        byte[] model = g.toBytes();
        assertThat(OnnxChecker.problems(model)).isEmpty();
        NDArray actual = OrtRuns.run(model, feeds, manager).get("y");
        double diff = OrtRuns.maxAbsDiff(expected, actual);
        DIFFS.put(label, diff);
        assertThat(diff).as(label).isLessThanOrEqualTo(TOLERANCE);
        return diff;
    }

    private static Map<String, NDArray> feeds(Object... nameArray) {
        Map<String, NDArray> m = new LinkedHashMap<>();
        for (int i = 0; i < nameArray.length; i += 2) {
            m.put((String) nameArray[i], (NDArray) nameArray[i + 1]);
        }
        return m;
    }

    @Test
    void linearWithAndWithoutBias() throws Exception {
        for (boolean bias : new boolean[] {true, false}) {
            Linear block = init(Linear.builder().setUnits(5).optBias(bias).build(), new Shape(2, 3, 7));
            NDArray x = random(2, 3, 7);
            OnnxGraph g = new OnnxGraph("linear");
            OnnxValue in = g.input("x", OnnxType.FLOAT, "B", "T", 7);
            g.output(OnnxBlocks.linear(g, "linear", block, in), "y", OnnxType.FLOAT, "B", "T", 5);
            check("linear bias=" + bias, g, feeds("x", x), forward(block, x));
        }
    }

    @Test
    void layerNormOverTheLastAxisAndOverAllButTheBatch() throws Exception {
        LayerNorm last = init(LayerNorm.builder().axis(2).optEpsilon(1e-6f).build(), new Shape(2, 4, 6));
        NDArray x = random(2, 4, 6).mul(3).add(1);
        OnnxGraph g = new OnnxGraph("ln");
        OnnxValue in = g.input("x", OnnxType.FLOAT, "B", "T", 6);
        g.output(OnnxBlocks.layerNorm(g, "ln", last, in), "y", OnnxType.FLOAT, "B", "T", 6);
        check("layer norm axis 2", g, feeds("x", x), forward(last, x));

        LayerNorm all = init(LayerNorm.builder().build(), new Shape(3, 6));
        NDArray v = random(3, 6).mul(2);
        OnnxGraph g2 = new OnnxGraph("ln2");
        OnnxValue in2 = g2.input("x", OnnxType.FLOAT, "B", 6);
        g2.output(OnnxBlocks.layerNorm(g2, "ln", all, in2), "y", OnnxType.FLOAT, "B", 6);
        check("layer norm default axes", g2, feeds("x", v), forward(all, v));
    }

    @Test
    void geluMatchesDjlsActivation() throws Exception {
        NDArray x = random(4, 50).mul(3);
        OnnxGraph g = new OnnxGraph("gelu");
        OnnxValue in = g.input("x", OnnxType.FLOAT, 4, 50);
        g.output(OnnxBlocks.gelu(g, in), "y", OnnxType.FLOAT, 4, 50);
        check("gelu", g, feeds("x", x), Activation.gelu(x));
    }

    @Test
    void l2NormalizeAndRelu() throws Exception {
        NDArray x = random(3, 8);
        x.set(new ai.djl.ndarray.index.NDIndex("1, :"), 0f); // a zero row stays zero, not NaN
        OnnxGraph g = new OnnxGraph("l2");
        OnnxValue in = g.input("x", OnnxType.FLOAT, "B", 8);
        g.output(OnnxBlocks.l2Normalize(g, OnnxBlocks.relu(g, in)), "y", OnnxType.FLOAT, "B", 8);
        NDArray r = Activation.relu(x);
        NDArray expected = r.div(r.square().sum(new int[] {1}, true).sqrt().maximum(1e-12f));
        check("l2 normalize (relu)", g, feeds("x", x), expected);
    }

    private MultiHeadAttention attention(int d, int h, Shape x, Shape c) {
        return init(
                MultiHeadAttention.builder().setEmbeddingSize(d).setHeadCount(h).build(), x, c);
    }

    @Test
    void selfAttentionUnmaskedAndCausal() throws Exception {
        MultiHeadAttention block = attention(8, 2, new Shape(2, 5, 8), new Shape(2, 5, 8));
        NDArray x = random(2, 5, 8);
        OnnxGraph g = new OnnxGraph("sa");
        OnnxValue in = g.input("x", OnnxType.FLOAT, "B", "T", 8);
        g.output(OnnxBlocks.attention(g, "attention", block, in, null, null), "y", OnnxType.FLOAT, "B", "T", 8);
        check("attention self", g, feeds("x", x), forward(block, x, x));

        OnnxGraph gc = new OnnxGraph("causal");
        OnnxValue inc = gc.input("x", OnnxType.FLOAT, "B", "T", 8);
        OnnxValue mask = OnnxBlocks.causalMask(gc, inc);
        gc.output(OnnxBlocks.attention(gc, "attention", block, inc, null, mask), "y", OnnxType.FLOAT, "B", "T", 8);
        check("attention causal", gc, feeds("x", x), forward(block, x, x, AttentionMasks.causal(manager, 5)));
    }

    @Test
    void crossAttentionWithKeyPaddingAndAFullyMaskedRow() throws Exception {
        MultiHeadAttention block = attention(8, 4, new Shape(3, 4, 8), new Shape(3, 6, 5));
        NDArray x = random(3, 4, 8);
        NDArray c = random(3, 6, 5);
        // row 0 keeps 6 keys, row 1 keeps 2, row 2 none (zero weights: the output is the output bias)
        NDArray keep =
                manager.create(new long[] {1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, new Shape(3, 6));
        OnnxGraph g = new OnnxGraph("ca");
        OnnxValue in = g.input("x", OnnxType.FLOAT, "B", "T", 8);
        OnnxValue ctx = g.input("c", OnnxType.FLOAT, "B", "S", 5);
        OnnxValue k = g.input("keep", OnnxType.INT64, "B", "S");
        OnnxValue mask = OnnxBlocks.paddingMask(g, k);
        g.output(OnnxBlocks.attention(g, "attention", block, in, ctx, mask), "y", OnnxType.FLOAT, "B", "T", 8);
        NDArray expected = forward(block, x, c, keep);
        check("attention cross + padding", g, feeds("x", x, "c", c, "keep", keep), expected);

        // and a combined mask: causal and padding, from lengths
        MultiHeadAttention self = attention(8, 2, new Shape(2, 5, 8), new Shape(2, 5, 8));
        NDArray y = random(2, 5, 8);
        NDArray lengths = manager.create(new long[] {5, 3});
        OnnxGraph g2 = new OnnxGraph("causal-padding");
        OnnxValue in2 = g2.input("x", OnnxType.FLOAT, "B", "T", 8);
        OnnxValue len = g2.input("lengths", OnnxType.INT64, "B");
        OnnxValue m2 = OnnxBlocks.and(
                g2, OnnxBlocks.causalMask(g2, in2), OnnxBlocks.paddingMask(g2, OnnxBlocks.lengthMask(g2, len, in2)));
        g2.output(OnnxBlocks.attention(g2, "attention", self, in2, null, m2), "y", OnnxType.FLOAT, "B", "T", 8);
        NDArray keep2 = manager.arange(5L).expandDims(0).lt(lengths.expandDims(1));
        NDArray djlMask = AttentionMasks.and(AttentionMasks.causal(manager, 5), AttentionMasks.padding(keep2));
        check("attention causal + lengths", g2, feeds("x", y, "lengths", lengths), forward(self, y, y, djlMask));
    }

    @Test
    void attentionWithCacheMatchesForwardWithCache() throws Exception {
        MultiHeadAttention block = attention(8, 2, new Shape(2, 3, 8), new Shape(2, 3, 8));
        NDArray first = random(2, 4, 8);
        NDArray next = random(2, 3, 8);
        AttentionStep past = block.forwardWithCache(store, first, AttentionMasks.causal(manager, 4), null, false);
        AttentionStep step =
                block.forwardWithCache(store, next, AttentionMasks.causal(manager, 3, 4), past.cache(), false);

        OnnxGraph g = new OnnxGraph("cached");
        OnnxValue in = g.input("x", OnnxType.FLOAT, "B", "T", 8);
        OnnxValue pk = g.input("past_keys", OnnxType.FLOAT, "B", 2, "P", 4);
        OnnxValue pv = g.input("past_values", OnnxType.FLOAT, "B", 2, "P", 4);
        OnnxValue mask = OnnxBlocks.causalMask(g, in, pk);
        OnnxBlocks.CachedOutput out = OnnxBlocks.attentionWithCache(g, "attention", block, in, mask, pk, pv);
        g.output(out.output(), "y", OnnxType.FLOAT, "B", "T", 8);
        g.output(out.keys(), "keys", OnnxType.FLOAT, "B", 2, "S", 4);
        g.output(out.values(), "values", OnnxType.FLOAT, "B", 2, "S", 4);
        Map<String, NDArray> feeds = feeds(
                "x",
                next,
                "past_keys",
                past.cache().keys(),
                "past_values",
                past.cache().values());
        check("attention with cache", g, feeds, step.output());
        Map<String, NDArray> all = OrtRuns.run(g.toBytes(), feeds, manager);
        assertThat(OrtRuns.maxAbsDiff(step.cache().keys(), all.get("keys"))).isLessThanOrEqualTo(TOLERANCE);
        assertThat(OrtRuns.maxAbsDiff(step.cache().values(), all.get("values"))).isLessThanOrEqualTo(TOLERANCE);

        // from an empty cache (P = 0), as a decoder's first step
        NDArray empty = manager.zeros(new Shape(2, 2, 0, 4));
        check(
                "attention with empty cache",
                g,
                feeds("x", first, "past_keys", empty, "past_values", empty),
                past.output());
    }

    @Test
    void transformerLayerStackAndCrossAttention() throws Exception {
        TransformerStack stack = init(
                TransformerStack.builder()
                        .setLayerCount(2)
                        .setEmbeddingSize(8)
                        .setHeadCount(2)
                        .build(),
                new Shape(2, 5, 8),
                new Shape(1, 5, 5));
        NDArray x = random(2, 5, 8);
        OnnxGraph g = new OnnxGraph("stack");
        OnnxValue in = g.input("x", OnnxType.FLOAT, "B", "T", 8);
        g.output(
                OnnxBlocks.transformerStack(g, "transformer", stack, in, OnnxBlocks.causalMask(g, in), null, null),
                "y",
                OnnxType.FLOAT,
                "B",
                "T",
                8);
        check("transformer stack causal", g, feeds("x", x), forward(stack, x, AttentionMasks.causal(manager, 5)));

        TransformerLayer cross = init(
                TransformerLayer.builder()
                        .setEmbeddingSize(8)
                        .setHeadCount(2)
                        .optCrossAttention(true)
                        .optMlpRatio(2)
                        .build(),
                new Shape(2, 5, 8),
                new Shape(2, 5),
                new Shape(2, 3, 6),
                new Shape(2, 3));
        NDArray keep = manager.create(new long[] {1, 1, 1, 0, 1, 1}, new Shape(2, 3));
        NDArray tokens = manager.create(new long[] {1, 1, 1, 1, 1, 1, 1, 1, 0, 0}, new Shape(2, 5));
        NDArray c = random(2, 3, 6);
        OnnxGraph g2 = new OnnxGraph("cross");
        OnnxValue in2 = g2.input("x", OnnxType.FLOAT, "B", "T", 8);
        OnnxValue pad = g2.input("keep", OnnxType.INT64, "B", "T");
        OnnxValue ctx = g2.input("c", OnnxType.FLOAT, "B", "S", 6);
        OnnxValue ck = g2.input("context_keep", OnnxType.INT64, "B", "S");
        g2.output(
                OnnxBlocks.transformerLayer(g2, "layer", cross, in2, OnnxBlocks.paddingMask(g2, pad), ctx, ck),
                "y",
                OnnxType.FLOAT,
                "B",
                "T",
                8);
        check(
                "transformer layer cross-attention",
                g2,
                feeds("x", x, "keep", tokens, "c", c, "context_keep", keep),
                forward(cross, x, tokens, c, keep));
    }

    @Test
    void transformerLayerWithCacheMatchesForwardWithCache() throws Exception {
        TransformerLayer layer = init(
                TransformerLayer.builder().setEmbeddingSize(8).setHeadCount(2).build(),
                new Shape(1, 3, 8),
                new Shape(1, 3, 3));
        NDArray first = random(1, 3, 8);
        NDArray next = random(1, 1, 8);
        AttentionStep past = layer.forwardWithCache(store, first, AttentionMasks.causal(manager, 3), null, false);
        AttentionStep step = layer.forwardWithCache(store, next, null, past.cache(), false);
        OnnxGraph g = new OnnxGraph("layer-cache");
        OnnxValue in = g.input("x", OnnxType.FLOAT, "B", "T", 8);
        OnnxValue pk = g.input("past_keys", OnnxType.FLOAT, "B", 2, "P", 4);
        OnnxValue pv = g.input("past_values", OnnxType.FLOAT, "B", 2, "P", 4);
        OnnxBlocks.CachedOutput out =
                OnnxBlocks.transformerLayerWithCache(g, "layer", layer, in, OnnxBlocks.causalMask(g, in, pk), pk, pv);
        g.output(out.output(), "y", OnnxType.FLOAT, "B", "T", 8);
        g.output(out.keys(), "keys", OnnxType.FLOAT, "B", 2, "S", 4);
        g.output(out.values(), "values", OnnxType.FLOAT, "B", 2, "S", 4);
        check(
                "transformer layer with cache",
                g,
                feeds(
                        "x",
                        next,
                        "past_keys",
                        past.cache().keys(),
                        "past_values",
                        past.cache().values()),
                step.output());
    }

    @Test
    void convolutionBatchNormAndPatchEmbedding() throws Exception {
        Conv2d conv = init(
                Conv2d.builder()
                        .setFilters(4)
                        .setKernelShape(new Shape(3, 3))
                        .optStride(new Shape(2, 2))
                        .optPadding(new Shape(1, 1))
                        .build(),
                new Shape(2, 3, 9, 9));
        NDArray images = random(2, 3, 9, 9);
        OnnxGraph g = new OnnxGraph("conv");
        OnnxValue in = g.input("x", OnnxType.FLOAT, "B", 3, 9, 9);
        BatchNorm bn = init(BatchNorm.builder().build(), new Shape(2, 4, 5, 5));
        // running statistics away from 0 and 1, as after training
        NDArray runningVar = bn.getParameters().get("runningVar").getArray();
        runningVar.muli(runningVar).addi(0.5f);
        OnnxValue y = OnnxBlocks.batchNorm(g, "bn", bn, OnnxBlocks.convolution(g, "conv", conv, in));
        g.output(y, "y", OnnxType.FLOAT, "B", 4, 5, 5);
        check("conv 3x3 stride 2 pad 1 + batch norm", g, feeds("x", images), forward(bn, forward(conv, images)));

        PatchEmbedding patches = init(
                PatchEmbedding.builder().setPatchSize(4).setEmbeddingSize(6).build(), new Shape(2, 3, 8, 12));
        NDArray pics = random(2, 3, 8, 12);
        OnnxGraph g2 = new OnnxGraph("patches");
        OnnxValue in2 = g2.input("x", OnnxType.FLOAT, "B", 3, 8, 12);
        g2.output(OnnxBlocks.patchEmbedding(g2, "patches", patches, in2), "y", OnnxType.FLOAT, "B", 6, 6);
        check("patch embedding", g2, feeds("x", pics), forward(patches, pics));
    }

    @Test
    void classTokenPositionsAndTokenEmbedding() throws Exception {
        ClassToken cls = init(ClassToken.builder().setEmbeddingSize(6).build(), new Shape(2, 4, 6));
        PositionalEmbedding pos = init(
                PositionalEmbedding.builder()
                        .setMaxLength(9)
                        .setEmbeddingSize(6)
                        .build(),
                new Shape(2, 5, 6));
        NDArray x = random(2, 4, 6);
        OnnxGraph g = new OnnxGraph("embed");
        OnnxValue in = g.input("x", OnnxType.FLOAT, "B", "N", 6);
        OnnxValue y = OnnxBlocks.positionalEmbedding(g, "positions", pos, OnnxBlocks.classToken(g, "cls", cls, in));
        g.output(y, "y", OnnxType.FLOAT, "B", "T", 6);
        check("class token + positions", g, feeds("x", x), forward(pos, forward(cls, x)));

        OnnxGraph g2 = new OnnxGraph("positions-at");
        OnnxValue in2 = g2.input("x", OnnxType.FLOAT, "B", "T", 6);
        OnnxValue offset = g2.input("offset", OnnxType.INT64, 1);
        g2.output(
                OnnxBlocks.positionalEmbeddingAt(g2, "positions", pos, in2, offset), "y", OnnxType.FLOAT, "B", "T", 6);
        NDArray two = random(2, 2, 6);
        check(
                "positions at offset",
                g2,
                feeds("x", two, "offset", manager.create(new long[] {5})),
                pos.forwardAt(store, two, 5, false));

        NDArray table = random(11, 6);
        NDArray ids = manager.create(new long[] {0, 3, 10, 3, 7, 1}, new Shape(2, 3));
        OnnxGraph g3 = new OnnxGraph("tokens");
        OnnxValue in3 = g3.input("ids", OnnxType.INT64, "B", "T");
        g3.output(OnnxBlocks.tokenEmbedding(g3, "token_embedding", table, in3), "y", OnnxType.FLOAT, "B", "T", 6);
        check(
                "token embedding",
                g3,
                feeds("ids", ids),
                ids.oneHot(11).toType(DataType.FLOAT32, false).matMul(table));
    }

    @Test
    void poolers() throws Exception {
        NDArray x = random(3, 5, 4);
        OnnxGraph g = new OnnxGraph("cls");
        OnnxValue in = g.input("x", OnnxType.FLOAT, "B", "T", 4);
        g.output(OnnxBlocks.clsPool(g, in), "y", OnnxType.FLOAT, "B", 4);
        ClsPooler cls = init(new ClsPooler(), x.getShape());
        check("cls pool", g, feeds("x", x), forward(cls, x));

        EndOfTextPooler eot = init(new EndOfTextPooler(), x.getShape(), new Shape(3));
        NDArray positions = manager.create(new long[] {4, 0, 2});
        OnnxGraph g2 = new OnnxGraph("eot");
        OnnxValue in2 = g2.input("x", OnnxType.FLOAT, "B", "T", 4);
        OnnxValue p = g2.input("positions", OnnxType.INT64, "B");
        g2.output(OnnxBlocks.endOfTextPool(g2, in2, p), "y", OnnxType.FLOAT, "B", 4);
        check("end-of-text pool (positions)", g2, feeds("x", x, "positions", positions), forward(eot, x, positions));

        NDArray ids = manager.create(new long[] {3, 9, 2, 9, 0, 259, 1, 1, 1, 1, 5, 5, 7, 0, 0}, new Shape(3, 5));
        OnnxGraph g3 = new OnnxGraph("eot-ids");
        OnnxValue in3 = g3.input("x", OnnxType.FLOAT, "B", "T", 4);
        OnnxValue i3 = g3.input("ids", OnnxType.INT64, "B", "T");
        g3.output(OnnxBlocks.endOfTextPoolByIds(g3, in3, i3), "y", OnnxType.FLOAT, "B", 4);
        check("end-of-text pool (ids)", g3, feeds("x", x, "ids", ids), forward(eot, x, ids));

        MeanPooler mean = init(new MeanPooler(), x.getShape());
        NDArray keep = manager.create(new long[] {1, 1, 1, 0, 0, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0}, new Shape(3, 5));
        OnnxGraph g4 = new OnnxGraph("mean");
        OnnxValue in4 = g4.input("x", OnnxType.FLOAT, "B", "T", 4);
        OnnxValue k4 = g4.input("keep", OnnxType.INT64, "B", "T");
        g4.output(OnnxBlocks.meanPool(g4, in4, k4), "y", OnnxType.FLOAT, "B", 4);
        check("mean pool (mask)", g4, feeds("x", x, "keep", keep), forward(mean, x, keep));
        OnnxGraph g5 = new OnnxGraph("mean-all");
        OnnxValue in5 = g5.input("x", OnnxType.FLOAT, "B", "T", 4);
        g5.output(OnnxBlocks.meanPool(g5, in5, null), "y", OnnxType.FLOAT, "B", 4);
        check("mean pool", g5, feeds("x", x), forward(mean, x));

        AttentionalPooler attentional = init(
                AttentionalPooler.builder()
                        .setEmbeddingSize(8)
                        .setHeadCount(2)
                        .setQueryCount(3)
                        .build(),
                new Shape(3, 5, 4),
                new Shape(3, 5));
        OnnxGraph g6 = new OnnxGraph("attentional");
        OnnxValue in6 = g6.input("x", OnnxType.FLOAT, "B", "S", 4);
        OnnxValue k6 = g6.input("keep", OnnxType.INT64, "B", "S");
        g6.output(OnnxBlocks.attentionalPool(g6, "pool", attentional, in6, k6), "y", OnnxType.FLOAT, "B", 3, 8);
        check("attentional pool (mask)", g6, feeds("x", x, "keep", keep), forward(attentional, x, keep));
    }

    @Test
    void masksEqualAttentionMasks() throws Exception {
        NDArray x = random(2, 4, 3);
        NDArray pastKeys = manager.zeros(new Shape(2, 1, 3, 2));
        OnnxGraph g = new OnnxGraph("masks");
        OnnxValue in = g.input("x", OnnxType.FLOAT, "B", "T", 3);
        OnnxValue pk = g.input("past_keys", OnnxType.FLOAT, "B", 1, "P", 2);
        g.output(g.cast(OnnxBlocks.causalMask(g, in, pk), OnnxType.FLOAT), "y", OnnxType.FLOAT, 1, "T", "S");
        check(
                "causal mask after 3 cached",
                g,
                feeds("x", x, "past_keys", pastKeys),
                AttentionMasks.causal(manager, 4, 3).toType(DataType.FLOAT32, false));
    }

    @Test
    void blockDispatchesToTheBlocksMethodOrNamesWhatHasNoOnnxForm() throws Exception {
        TransformerStack stack = init(
                TransformerStack.builder()
                        .setLayerCount(1)
                        .setEmbeddingSize(4)
                        .setHeadCount(2)
                        .build(),
                new Shape(2, 3, 4));
        NDArray x = random(2, 3, 4);
        OnnxGraph g = new OnnxGraph("dispatch");
        OnnxValue in = g.input("x", OnnxType.FLOAT, "B", "T", 4);
        OnnxValue y = OnnxBlocks.block(g, "stack", stack, java.util.List.of(in)).get(0);
        g.output(y, "y", OnnxType.FLOAT, "B", "T", 4);
        check("block(transformer stack)", g, feeds("x", x), forward(stack, x));

        // a block that writes itself
        OnnxExportable doubled = (graph, name, inputs) -> java.util.List.of(graph.add(inputs.get(0), inputs.get(0)));
        class Doubling extends ai.djl.nn.AbstractBlock implements OnnxExportable {
            @Override
            protected NDList forwardInternal(
                    ParameterStore ps, NDList in, boolean training, ai.djl.util.PairList<String, Object> p) {
                return new NDList(in.head().mul(2));
            }

            @Override
            public Shape[] getOutputShapes(Shape[] inputShapes) {
                return inputShapes;
            }

            @Override
            public java.util.List<OnnxValue> toOnnx(OnnxGraph graph, String name, java.util.List<OnnxValue> inputs) {
                return doubled.toOnnx(graph, name, inputs);
            }
        }
        OnnxGraph g2 = new OnnxGraph("exportable");
        OnnxValue in2 = g2.input("x", OnnxType.FLOAT, "B", "T", 4);
        g2.output(
                OnnxBlocks.block(g2, "double", new Doubling(), java.util.List.of(in2))
                        .get(0),
                "y",
                OnnxType.FLOAT,
                "B",
                "T",
                4);
        check("block(OnnxExportable)", g2, feeds("x", x), x.mul(2));

        OnnxGraph g3 = new OnnxGraph("none");
        OnnxValue in3 = g3.input("x", OnnxType.FLOAT, "B", 4);
        ai.djl.nn.Block lambda = new ai.djl.nn.LambdaBlock(list -> list);
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> OnnxBlocks.block(g3, "mystery", lambda, java.util.List.of(in3)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("block mystery (ai.djl.nn.LambdaBlock) has no ONNX form");
    }
}
