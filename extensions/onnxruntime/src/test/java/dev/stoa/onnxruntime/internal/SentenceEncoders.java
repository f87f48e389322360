package dev.stoa.onnxruntime.internal;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.stoa.api.service.TextEncoder;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.Map;

/**
 * Stoa's sentence encoder, and the bare ONNX Runtime calls it is measured against, on a plain class path with the
 * same session settings: what the benchmarks compare (itests/benchmarks). A public test fixture of this module,
 * shipped in its test-jar (nothing else of the test tree is), in this package because it builds the encoder from the
 * package-private types the component uses, exactly as the component does.
 */
public final class SentenceEncoders {

    private SentenceEncoders() {}

    /**
     * Loads Stoa's encoder as {@code OnnxTextEncoderComponent} does.
     *
     * @param name its id
     * @param folder the model folder (model.onnx + tokenizer.json)
     * @param intraOpThreads ONNX Runtime threads per operator; 0: one per core
     * @return the encoder; {@link #close} it
     */
    public static TextEncoder load(String name, Path folder, int intraOpThreads) throws OrtException, IOException {
        return OnnxSentenceEncoder.load(
                name,
                ModelFolder.read(folder),
                new OnnxSentenceEncoder.Options(null, null, 0, 32, 100_000, settings(intraOpThreads)));
    }

    /** Releases an encoder from {@link #load}. */
    public static void close(TextEncoder encoder) {
        ((OnnxSentenceEncoder) encoder).close();
    }

    private static SessionSettings settings(int intraOpThreads) {
        return new SessionSettings(intraOpThreads, 0, "all", false);
    }

    /**
     * Opens a session on {@code model.onnx} with the options {@link #load} gives Stoa's encoder, for a peer that
     * accepts a session (LangChain4j's {@code OnnxBertBiEncoder}).
     *
     * @return the session; the caller closes it
     */
    public static OrtSession session(Path folder, int intraOpThreads) throws OrtException {
        try (OrtSession.SessionOptions options = settings(intraOpThreads).toOptions()) {
            return OrtEnvironment.getEnvironment()
                    .createSession(folder.resolve("model.onnx").toString(), options);
        }
    }

    /**
     * The limit: one text through the tokenizer, one {@code OrtSession.run} and mean pooling with L2 norm, nothing
     * else (no checks, no sorting, no locks), on a session with the same options as {@link #load}.
     */
    public static final class Raw implements AutoCloseable {

        private final OrtEnvironment environment = OrtEnvironment.getEnvironment();
        private final OrtSession session;
        private final HuggingFaceTokenizer tokenizer;

        /**
         * @param folder the model folder (model.onnx + tokenizer.json, MiniLM's input names)
         * @param intraOpThreads as for {@link SentenceEncoders#load}
         * @param window the token window (128 for MiniLM)
         */
        public Raw(Path folder, int intraOpThreads, int window) throws OrtException, IOException {
            this.tokenizer = HuggingFaceTokenizer.newInstance(
                    folder.resolve("tokenizer.json"),
                    Map.of("padding", "false", "truncation", "true", "maxLength", Integer.toString(window)));
            this.session = session(folder, intraOpThreads);
        }

        /** @return the number of tokens of {@code text}, [CLS] and [SEP] included */
        public int tokens(String text) {
            return tokenizer.encode(text).getIds().length;
        }

        /**
         * Encodes one text, shape {@code () -> (D)}.
         *
         * @param text the text
         * @return its unit-length mean-pooled embedding
         */
        public float[] encode(String text) throws OrtException {
            Encoding e = tokenizer.encode(text);
            long[] ids = e.getIds();
            long[] mask = e.getAttentionMask();
            long[] shape = {1, ids.length};
            try (OnnxTensor idsT = OnnxTensor.createTensor(environment, LongBuffer.wrap(ids), shape);
                    OnnxTensor maskT = OnnxTensor.createTensor(environment, LongBuffer.wrap(mask), shape);
                    OnnxTensor typesT = OnnxTensor.createTensor(environment, LongBuffer.wrap(e.getTypeIds()), shape);
                    OrtSession.Result r =
                            session.run(Map.of("input_ids", idsT, "attention_mask", maskT, "token_type_ids", typesT))) {
                OnnxTensor hidden = (OnnxTensor) r.get(0);
                FloatBuffer states = hidden.getFloatBuffer();
                int dim = (int) hidden.getInfo().getShape()[2];
                float[] v = Pooling.MEAN.pool(states, 0, ids.length, dim, mask);
                Pooling.normalize(v);
                return v;
            }
        }

        @Override
        public void close() throws OrtException {
            session.close();
            tokenizer.close();
        }
    }
}
