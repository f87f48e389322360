package dev.stoa.models.gpt.internal;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs an exported {@code model.decoder.onnx} on ONNX Runtime (CPU), feeding each step's {@code present.*} back as
 * the next step's {@code past.*}: what an engine does with the graph.
 */
public final class OrtDecoder implements AutoCloseable {

    /**
     * One step's outputs.
     *
     * @param logits {@code [B, T, V]}, flat
     * @param keys per layer, {@code [B, H, P, d]} flat
     * @param values likewise
     * @param cacheShape {@code [B, H, P, d]}
     */
    public record Step(float[] logits, List<float[]> keys, List<float[]> values, long[] cacheShape) {
        public long length() {
            return cacheShape[2];
        }
    }

    private final OrtEnvironment env = OrtEnvironment.getEnvironment();
    private final OrtSession session;
    private final int layers;
    private final int heads;
    private final int headSize;

    public OrtDecoder(Path file, int layers, int heads, int headSize) throws OrtException {
        this.session = env.createSession(file.toString(), new OrtSession.SessionOptions());
        this.layers = layers;
        this.heads = heads;
        this.headSize = headSize;
    }

    public OrtSession session() {
        return session;
    }

    /**
     * @param tokens {@code [B, T]} flat
     * @param batch B
     * @param prefix {@code [B, K, D]} flat, or {@code null} where the graph has no prefix input; an empty array for
     *     K = 0 on a graph that has one
     * @param width D
     * @param past the previous step, or {@code null} for the first
     * @return the new step
     */
    public Step run(long[] tokens, int batch, float[] prefix, int width, Step past) throws OrtException {
        Map<String, OnnxTensor> in = new HashMap<>();
        try {
            long length = tokens.length / batch;
            in.put("tokens", OnnxTensor.createTensor(env, LongBuffer.wrap(tokens), new long[] {batch, length}));
            long position = past == null ? 0 : past.length();
            in.put("position", OnnxTensor.createTensor(env, LongBuffer.wrap(new long[] {position}), new long[] {1}));
            if (prefix != null) {
                in.put("prefix", OnnxTensor.createTensor(env, FloatBuffer.wrap(prefix), new long[] {
                    batch, prefix.length / batch / width, width
                }));
            }
            long[] shape = {batch, heads, position, headSize};
            for (int l = 0; l < layers; l++) {
                float[] k = past == null ? new float[0] : past.keys().get(l);
                float[] v = past == null ? new float[0] : past.values().get(l);
                in.put("past." + l + ".key", OnnxTensor.createTensor(env, FloatBuffer.wrap(k), shape));
                in.put("past." + l + ".value", OnnxTensor.createTensor(env, FloatBuffer.wrap(v), shape));
            }
            try (OrtSession.Result out = session.run(in)) {
                float[] logits = flat(out, "logits");
                List<float[]> keys = new ArrayList<>();
                List<float[]> values = new ArrayList<>();
                long[] cacheShape =
                        ((OnnxTensor) out.get("present.0.key").get()).getInfo().getShape();
                for (int l = 0; l < layers; l++) {
                    keys.add(flat(out, "present." + l + ".key"));
                    values.add(flat(out, "present." + l + ".value"));
                }
                return new Step(logits, keys, values, cacheShape);
            }
        } finally {
            in.values().forEach(OnnxTensor::close);
        }
    }

    private static float[] flat(OrtSession.Result out, String name) {
        FloatBuffer b = ((OnnxTensor) out.get(name).get()).getFloatBuffer();
        float[] a = new float[b.remaining()];
        b.get(a);
        return a;
    }

    /** @return the index of the largest of the last row's V logits */
    public static int argmaxLast(float[] logits, int vocabulary) {
        int from = logits.length - vocabulary;
        int best = 0;
        for (int i = 1; i < vocabulary; i++) {
            if (logits[from + i] > logits[from + best]) {
                best = i;
            }
        }
        return best;
    }

    @Override
    public void close() throws OrtException {
        session.close();
    }
}
