package dev.stoa.onnxruntime.internal;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import dev.stoa.api.data.Embedding;
import dev.stoa.api.data.Text;
import dev.stoa.api.service.TextEncoder;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A BERT-style sentence encoder run by ONNX Runtime: text {@code (B)} -> Hugging Face tokenizer -> token ids, attention
 * mask and token types, int64 {@code (B, S)} -> the ONNX model -> hidden states {@code (B, S, D)} -> {@link Pooling}
 * -> optional L2 normalisation -> embeddings {@code (B, D)}.
 *
 * <p><b>Truncation.</b> A text longer than the window ({@link #maxTokens()}, counted with the {@code [CLS]} and
 * {@code [SEP]} tokens) is cut at the right: the embedding represents its first {@code maxTokens - 2} word pieces,
 * exactly as sentence-transformers and the Hugging Face tokenizer's own truncation do. The window is the configured
 * one, else the descriptor's, else the tokenizer file's own truncation length (128 for all-MiniLM-L6-v2, the length
 * it was trained with), else {@code config.json}'s {@code max_position_embeddings}, else 512.
 *
 * <p><b>Batching.</b> A batch is sorted by token count and run in forward passes of up to {@code maxBatch} texts of
 * similar length (padding adds at most a quarter to a pass's tokens), each padded to its longest text; padding
 * positions are masked out of the attention and of the pooling, so a text's embedding does not depend on the batch
 * it came in (up to float rounding). Models for which that does not hold are found at warm-up (dynamically quantised
 * ones: one activation scale per tensor) and run one text per pass.
 *
 * <p>Thread-safe: ONNX Runtime sessions and the tokenizer may be used by several threads at once. {@link #close()}
 * waits for running calls, then releases the native session and tokenizer; later calls fail with
 * {@link FailureCode#UNAVAILABLE}.
 */
final class OnnxSentenceEncoder implements TextEncoder, AutoCloseable {

    /** Fallback window of BERT-style encoders: their position embeddings have 512 rows. */
    static final int BERT_POSITIONS = 512;

    /** Texts of different lengths and vocabularies, so that a batch-dependent model shows it at warm-up. */
    private static final String WARM_UP = "Warm-up sentence for the encoder.";

    private static final String WARM_UP_COMPANION = "A longer companion: 42 numbers, punctuation (!?), Ünïcödé and"
            + " several more words, so that the batch is padded and its activations span a wider range.";

    /** Most padded tokens a forward pass may compute per real token (see {@code passEnd}). */
    private static final double MAX_PADDING = 1.25;

    /** Below this cosine between a text's embedding alone and in a batch, batching changes results. */
    private static final double BATCH_INVARIANCE = 0.99999;

    private static final Logger LOG = LoggerFactory.getLogger(OnnxSentenceEncoder.class);

    /**
     * What a configuration sets on top of the folder's descriptor.
     *
     * @param pooling {@code mean} or {@code cls}; {@code null} or blank: the folder's
     * @param normalize whether to L2-normalise; {@code null}: the folder's
     * @param maxTokens the window; 0: the folder's, see the class comment
     * @param maxBatch most texts in one forward pass
     * @param maxChars longest text accepted, in characters; longer ones fail with {@link FailureCode#TOO_LARGE}
     * @param session ONNX Runtime session options
     */
    record Options(
            String pooling, Boolean normalize, int maxTokens, int maxBatch, int maxChars, SessionSettings session) {

        Options {
            if (maxTokens < 0 || maxBatch < 1 || maxChars < 1) {
                throw new StoaException(
                        FailureCode.BAD_CONFIG,
                        "maxTokens must be 0 or more (was " + maxTokens + "), maxBatch and maxChars 1 or more (were "
                                + maxBatch + " and " + maxChars + ")");
            }
        }

        /** The folder's settings, ONNX Runtime's defaults, batches of 32, texts up to 100,000 characters. */
        static Options defaults() {
            return new Options(null, null, 0, 32, 100_000, SessionSettings.defaults());
        }
    }

    private final String name;
    private final OrtEnvironment environment;
    private final OrtSession session;
    private final HuggingFaceTokenizer tokenizer;
    private final ModelFolder folder;
    private final boolean feedTypeIds;
    private final Pooling pooling;
    private final boolean normalize;
    private final int maxTokens;
    private final int maxBatch;
    private final int maxChars;
    private final int dimension;
    private final boolean batchInvariant;
    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private boolean closed; // guarded by lock

    private OnnxSentenceEncoder(
            String name,
            OrtEnvironment environment,
            OrtSession session,
            HuggingFaceTokenizer tokenizer,
            ModelFolder folder,
            Pooling pooling,
            boolean normalize,
            int maxTokens,
            Options options)
            throws OrtException {
        this.name = name;
        this.environment = environment;
        this.session = session;
        this.tokenizer = tokenizer;
        this.folder = folder;
        this.feedTypeIds = session.getInputNames().contains(folder.typeIdsInput());
        this.pooling = pooling;
        this.normalize = normalize;
        this.maxTokens = maxTokens;
        this.maxBatch = options.maxBatch();
        this.maxChars = options.maxChars();
        // Warm-up: the first run allocates ONNX Runtime's buffers and picks kernels; pay that now, not on a caller,
        // and learn D from a real output rather than trusting the graph's (often symbolic) declared shape
        float[] alone = forward(tokenizer.batchEncode(List.of(WARM_UP))).get(0);
        this.dimension = alone.length;
        // Dynamically quantised models (the -q files) quantise activations with one scale per tensor, so a text's
        // embedding shifts with its batch companions and padding (cosine 0.98 seen here). An embedding must not
        // depend on what else was in the batch, so such models run one text per forward pass.
        float[] inBatch = forward(tokenizer.batchEncode(List.of(WARM_UP_COMPANION, WARM_UP)))
                .get(1);
        double cosine = new Embedding(alone).cosine(new Embedding(inBatch));
        this.batchInvariant = cosine > BATCH_INVARIANCE;
        if (!batchInvariant) {
            LOG.info(
                    "Sentence encoder '{}' gives a text different embeddings alone and in a batch (cosine {}),"
                            + " as dynamically quantised models do: it encodes one text per forward pass",
                    name,
                    cosine);
        }
    }

    /**
     * Loads an encoder: opens the ONNX session, the tokenizer, and runs a warm-up batch. Inside OSGi call it with
     * DJL's context class loader ({@code DjlRuntime.withEngineClassLoader}): the tokenizer's native library is found
     * through it.
     *
     * @param name the encoder's name, for messages and logs
     * @param folder the model folder
     * @param options what the configuration sets
     * @return the loaded encoder; close it to release the native memory
     * @throws StoaException {@link FailureCode#BAD_CONFIG} when the folder, its files or the options do not fit
     */
    static OnnxSentenceEncoder load(String name, ModelFolder folder, Options options) throws OrtException, IOException {
        long start = System.nanoTime();
        Pooling pooling = options.pooling() == null || options.pooling().isBlank()
                ? folder.pooling()
                : Pooling.parse(options.pooling(), "configuration of '" + name + "'");
        boolean normalize = options.normalize() == null ? folder.normalize() : options.normalize();
        int window = window(name, folder, options.maxTokens());
        HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.newInstance(
                folder.tokenizer(),
                Map.of(
                        // padding is done per batch here; the file may ask for a fixed length (MiniLM's pads to 128)
                        "padding", "false", "truncation", "true", "maxLength", Integer.toString(window)));
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        OrtSession session = null;
        try (OrtSession.SessionOptions sessionOptions = options.session().toOptions()) {
            session = environment.createSession(folder.model().toString(), sessionOptions);
            checkInputsAndOutput(folder, session);
            OnnxSentenceEncoder encoder = new OnnxSentenceEncoder(
                    name, environment, session, tokenizer, folder, pooling, normalize, window, options);
            LOG.info(
                    "Loaded sentence encoder '{}' from {} in {} ms: D={}, window {} tokens, {} pooling{}",
                    name,
                    folder.folder(),
                    (System.nanoTime() - start) / 1_000_000,
                    encoder.dimension,
                    window,
                    pooling.name().toLowerCase(Locale.ROOT),
                    normalize ? ", L2-normalised" : "");
            return encoder;
        } catch (OrtException | RuntimeException e) {
            if (session != null) {
                session.close();
            }
            tokenizer.close();
            throw e;
        }
    }

    /** The window: configured, else descriptor, else the tokenizer file's own, else config.json, else 512. */
    private static int window(String name, ModelFolder folder, int configured) throws IOException {
        int window = configured > 0 ? configured : folder.maxTokens();
        if (window == 0) {
            try (HuggingFaceTokenizer asShipped = HuggingFaceTokenizer.newInstance(folder.tokenizer(), Map.of())) {
                boolean truncates = !"DO_NOT_TRUNCATE".equals(asShipped.getTruncation());
                window = truncates && asShipped.getMaxLength() > 0 ? asShipped.getMaxLength() : 0;
            }
        }
        if (window == 0) {
            window = folder.maxPositions() > 0 ? folder.maxPositions() : BERT_POSITIONS;
        }
        int limit = folder.maxPositions() > 0 ? folder.maxPositions() : Integer.MAX_VALUE;
        if (window < 3 || window > limit) {
            throw new StoaException(
                    FailureCode.BAD_CONFIG,
                    "maxTokens of '" + name + "' is " + window
                            + "; use 3 to " + (limit == Integer.MAX_VALUE ? "the model's position count" : limit)
                            + " (config.json's max_position_embeddings), or 0 for the model's own");
        }
        return window;
    }

    private static void checkInputsAndOutput(ModelFolder folder, OrtSession session) throws OrtException {
        for (String input : List.of(folder.idsInput(), folder.maskInput())) {
            if (!session.getInputNames().contains(input)) {
                throw new StoaException(
                        FailureCode.BAD_CONFIG,
                        folder.model() + " has no input '" + input
                                + "' (it has " + session.getInputNames() + "); name the right one under 'inputs' in "
                                + ModelFolder.DESCRIPTOR);
            }
        }
        if (!session.getOutputNames().contains(folder.output())) {
            throw new StoaException(
                    FailureCode.BAD_CONFIG,
                    folder.model() + " has no output '" + folder.output()
                            + "' (it has " + session.getOutputNames() + "); name the right one as 'output' in "
                            + ModelFolder.DESCRIPTOR);
        }
    }

    @Override
    public int dimension() {
        return dimension;
    }

    @Override
    public int maxTokens() {
        return maxTokens;
    }

    /** Encodes one text; a bad one fails naming the field {@code text}. */
    @Override
    public Embedding call(Text input) {
        if (input == null) {
            throw StoaException.badInput("text", "is missing; send a string");
        }
        return encode(List.of(input.value()), "text").get(0);
    }

    /**
     * {@inheritDoc}
     *
     * <p>Bad texts fail naming their index ({@code texts[3]}); texts longer than the window are truncated (see the
     * class comment).
     */
    @Override
    public List<Embedding> encodeBatch(List<Text> texts) {
        if (texts == null || texts.isEmpty()) {
            throw StoaException.badInput(
                    "texts", "is " + (texts == null ? "missing" : "empty") + "; send at least one text");
        }
        List<String> values = new ArrayList<>(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            if (texts.get(i) == null) {
                throw StoaException.badInput("texts[" + i + "]", "is missing; send a string");
            }
            values.add(texts.get(i).value());
        }
        return encode(values, texts.size() == 1 ? "text" : null);
    }

    /**
     * {@inheritDoc}
     *
     * <p>Fails, naming the field {@code text}, on what {@link #call} would fail on: a missing, empty or
     * whitespace-only text ({@code BAD_INPUT}) or one over {@code maxChars} ({@code TOO_LARGE}).
     */
    @Override
    public void validate(Text input) {
        if (input == null) {
            throw StoaException.badInput("text", "is missing; send a string");
        }
        check(input.value(), "text");
    }

    /** @return {@link #batchSize()}: the bus never batches more than one forward pass takes */
    @Override
    public int maxBatchSize() {
        return batchSize();
    }

    private void check(String v, String field) {
        if (v.isBlank()) {
            throw StoaException.badInput(
                    field,
                    v.isEmpty() ? "is empty; send at least one word" : "holds only whitespace; send at least one word");
        }
        if (v.length() > maxChars) {
            throw new StoaException(
                    FailureCode.TOO_LARGE,
                    "'" + field + "': has " + v.length() + " characters; send"
                            + " at most " + maxChars + " (only the first " + maxTokens
                            + " tokens are read anyway), or raise"
                            + " maxChars in the encoder's configuration");
        }
    }

    /** @param field the field name for a single text, or {@code null} to name texts by index */
    private List<Embedding> encode(List<String> values, String field) {
        for (int i = 0; i < values.size(); i++) {
            check(values.get(i), field != null ? field : "texts[" + i + "]");
        }
        lock.readLock().lock();
        try {
            if (closed) {
                throw new StoaException(FailureCode.UNAVAILABLE, "sentence encoder '" + name + "' was unloaded");
            }
            Encoding[] encodings = tokenizer.batchEncode(values);
            // texts of similar length share a pass, so little compute goes to padding
            Integer[] order = new Integer[encodings.length];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            Arrays.sort(order, Comparator.comparingInt(i -> encodings[i].getIds().length));
            Embedding[] out = new Embedding[encodings.length];
            int from = 0;
            while (from < order.length) {
                int to = passEnd(encodings, order, from);
                Encoding[] chunk = new Encoding[to - from];
                for (int j = 0; j < chunk.length; j++) {
                    chunk[j] = encodings[order[from + j]];
                }
                List<float[]> vectors = forward(chunk);
                for (int j = 0; j < chunk.length; j++) {
                    out[order[from + j]] = new Embedding(vectors.get(j));
                }
                from = to;
            }
            return List.of(out);
        } catch (OrtException e) {
            throw new StoaException(
                    FailureCode.INTERNAL,
                    "ONNX Runtime failed in sentence encoder '" + name + "': " + e.getMessage(),
                    e);
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * Where the forward pass that starts at {@code order[from]} ends: at most {@link #batchSize()} texts, and no
     * text whose padding would make the pass compute more than {@link #MAX_PADDING} times its real tokens. Measured
     * here on MiniLM with 50 mixed sentences, passes of 32 padded to the longest cost twice as much as encoding the
     * texts one by one; grouping texts of similar length keeps the batching gain of uniform inputs.
     *
     * @param order indices into {@code encodings}, shortest first
     * @return the end index, exclusive, into {@code order}
     */
    private int passEnd(Encoding[] encodings, Integer[] order, int from) {
        int limit = Math.min(order.length, from + batchSize());
        long realTokens = encodings[order[from]].getIds().length;
        int to = from + 1;
        while (to < limit) {
            long length = encodings[order[to]].getIds().length; // the longest so far: the order is ascending
            if ((to - from + 1) * length > MAX_PADDING * (realTokens + length)) {
                break;
            }
            realTokens += length;
            to++;
        }
        return to;
    }

    /** @return how many texts one forward pass takes: {@code maxBatch}, or 1 for a batch-dependent model */
    int batchSize() {
        return batchInvariant ? maxBatch : 1;
    }

    /** One forward pass: tokenized texts {@code (B)} -> pooled, optionally normalised vectors {@code (B, D)}. */
    private List<float[]> forward(Encoding[] encodings) throws OrtException {
        int batch = encodings.length;
        int seqLen = 0;
        for (Encoding e : encodings) {
            seqLen = Math.max(seqLen, e.getIds().length);
        }
        // zero-filled: padding gets id 0 ([PAD] in BERT vocabularies), mask 0 and type 0
        long[] ids = new long[batch * seqLen];
        long[] mask = new long[batch * seqLen];
        long[] types = new long[batch * seqLen];
        for (int b = 0; b < batch; b++) {
            Encoding e = encodings[b];
            System.arraycopy(e.getIds(), 0, ids, b * seqLen, e.getIds().length);
            System.arraycopy(e.getAttentionMask(), 0, mask, b * seqLen, e.getAttentionMask().length);
            System.arraycopy(e.getTypeIds(), 0, types, b * seqLen, e.getTypeIds().length);
        }
        long[] shape = {batch, seqLen};
        Map<String, OnnxTensor> inputs = new HashMap<>();
        try {
            inputs.put(folder.idsInput(), OnnxTensor.createTensor(environment, LongBuffer.wrap(ids), shape));
            inputs.put(folder.maskInput(), OnnxTensor.createTensor(environment, LongBuffer.wrap(mask), shape));
            if (feedTypeIds) {
                inputs.put(folder.typeIdsInput(), OnnxTensor.createTensor(environment, LongBuffer.wrap(types), shape));
            }
            try (OrtSession.Result result = session.run(inputs, Set.of(folder.output()))) {
                OnnxValue value = result.get(folder.output()).orElseThrow();
                if (!(value instanceof OnnxTensor hidden) || ((TensorInfo) hidden.getInfo()).getShape().length != 3) {
                    throw new StoaException(
                            FailureCode.SHAPE_MISMATCH,
                            "output '" + folder.output() + "' of " + folder.model() + " is " + value.getInfo()
                                    + "; a sentence encoder needs float (B, S, D)");
                }
                int dim = (int) ((TensorInfo) hidden.getInfo()).getShape()[2];
                FloatBuffer states = hidden.getFloatBuffer();
                List<float[]> out = new ArrayList<>(batch);
                for (int b = 0; b < batch; b++) {
                    float[] v = pooling.pool(states, b, seqLen, dim, mask);
                    if (normalize) {
                        Pooling.normalize(v);
                    }
                    out.add(v);
                }
                return out;
            }
        } finally {
            inputs.values().forEach(OnnxTensor::close);
        }
    }

    /** Waits for running calls, then releases the ONNX Runtime session and the tokenizer's native memory. */
    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            try {
                session.close();
            } catch (OrtException e) {
                LOG.warn("Closing the ONNX Runtime session of '{}' failed: {}", name, e.getMessage());
            }
            tokenizer.close();
        } finally {
            lock.writeLock().unlock();
        }
    }

    @Override
    public String toString() {
        return "OnnxSentenceEncoder[" + name + ", " + folder.folder() + "]";
    }
}
