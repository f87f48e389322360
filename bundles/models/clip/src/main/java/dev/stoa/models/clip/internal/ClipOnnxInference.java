package dev.stoa.models.clip.internal;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import dev.stoa.api.data.Image;
import dev.stoa.api.engine.EngineGraphs;
import dev.stoa.api.engine.EngineSession;
import dev.stoa.api.engine.HostTensor;
import dev.stoa.nn.text.TextTokenizer;
import dev.stoa.nn.text.TokenBatch;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A trained CLIP version served on the sessions of its exported towers ({@link ClipOnnxExport}:
 * {@code model.image.onnx}, {@code model.text.onnx}) instead of DJL: the same preprocessing, tokenizer, prompt
 * ensembling and logit scale as {@link ClipInference}, with the matrix work of zero-shot and similarity done here in
 * plain Java (C x E and 1 x E: small next to the towers). The logit scale comes from {@value ClipOnnxScale#FILE},
 * written with the export. Thread-safe: the sessions are, and the rest is read-only.
 */
final class ClipOnnxInference implements ClipEncoders, AutoCloseable {

    private final ClipVariant variant;
    private final TextTokenizer tokenizer;
    private final ClipPreprocessing preprocessing;
    private final EngineSession image;
    private final EngineSession text;
    private final float scale;
    private final List<String> classes;
    private final List<String> templates;

    private ClipOnnxInference(
            ClipVariant variant,
            TextTokenizer tokenizer,
            EngineSession image,
            EngineSession text,
            float scale,
            List<String> classes,
            List<String> templates) {
        this.variant = variant;
        this.tokenizer = tokenizer;
        this.preprocessing = new ClipPreprocessing(variant.imageSize());
        this.image = image;
        this.text = text;
        this.scale = scale;
        this.classes = classes;
        this.templates = templates;
    }

    /**
     * @param variant the version's variant
     * @param folder the version's folder (tokenizer, classes, templates, {@value ClipOnnxScale#FILE})
     * @param graphs its towers, opened on the chosen engine
     * @return the model, ready
     * @throws StoaException {@code UNAVAILABLE} when a tower or the scale file is missing (an export of an older
     *     bundle): {@code bin/stoa export} writes them again
     */
    static ClipOnnxInference open(ClipVariant variant, Path folder, EngineGraphs graphs) throws IOException {
        graphs.require("image", "text");
        float scale = ClipOnnxScale.read(folder);
        TextTokenizer tokenizer = ClipInference.tokenizer(variant, folder);
        return new ClipOnnxInference(
                variant,
                tokenizer,
                graphs.session("image"),
                graphs.session("text"),
                scale,
                ClipInference.lines(folder.resolve(ClipInference.CLASSES)),
                ClipInference.lines(folder.resolve(ClipInference.TEMPLATES)));
    }

    @Override
    public ClipVariant variant() {
        return variant;
    }

    /** Only trained versions are exported and served on an engine. */
    @Override
    public boolean trained() {
        return true;
    }

    @Override
    public int dimension() {
        return variant.embedDimension();
    }

    @Override
    public int maxTokens() {
        return tokenizer.contextLength();
    }

    @Override
    public List<String> classes() {
        return classes;
    }

    @Override
    public List<String> templates() {
        return templates;
    }

    @Override
    public float[][] imageEmbeddings(List<Image> images) {
        int s = preprocessing.size();
        float[] pixels = new float[images.size() * 3 * s * s];
        for (int i = 0; i < images.size(); i++) {
            System.arraycopy(preprocessing.toChw(images.get(i)), 0, pixels, i * 3 * s * s, 3 * s * s);
        }
        return rows(run(image, Map.of("pixels", HostTensor.ofFloats(new long[] {images.size(), 3, s, s}, pixels))));
    }

    @Override
    public float[][] textEmbeddings(List<String> texts) {
        TokenBatch tokens = tokenizer.encode(texts);
        return rows(run(
                text,
                Map.of(
                        "tokens",
                        HostTensor.ofLongs(new long[] {tokens.batchSize(), tokens.contextLength()}, tokens.flatIds()),
                        "lengths",
                        HostTensor.ofLongs(new long[] {tokens.batchSize()}, tokens.lengths()))));
    }

    /** Zero-shot with prompt ensembling, as {@link ZeroShot} computes it on DJL. */
    @Override
    public Map<String, Float> classify(Image picture, List<String> labels, List<String> prompts) {
        List<String> all = new ArrayList<>(labels.size() * prompts.size());
        for (String label : labels) {
            for (String template : prompts) {
                all.add(template.replace("{}", label));
            }
        }
        float[][] t = textEmbeddings(all);
        float[] v = imageEmbeddings(List.of(picture))[0];
        int k = prompts.size();
        double[] logits = new double[labels.size()];
        for (int c = 0; c < labels.size(); c++) {
            // w_c = normalize(mean_k normalize(t[c, k]))
            double[] w = new double[v.length];
            for (int j = 0; j < k; j++) {
                float[] row = t[c * k + j];
                double n = Math.max(norm(row), 1e-12);
                for (int e = 0; e < w.length; e++) {
                    w[e] += row[e] / n / k;
                }
            }
            double wn = Math.max(norm(w), 1e-12);
            double dot = 0;
            for (int e = 0; e < w.length; e++) {
                dot += v[e] * w[e] / wn;
            }
            logits[c] = scale * dot;
        }
        double max = Double.NEGATIVE_INFINITY;
        for (double l : logits) {
            max = Math.max(max, l);
        }
        double sum = 0;
        for (int c = 0; c < logits.length; c++) {
            logits[c] = Math.exp(logits[c] - max);
            sum += logits[c];
        }
        Map<String, Float> scores = new LinkedHashMap<>();
        for (int c = 0; c < labels.size(); c++) {
            scores.put(labels.get(c), (float) (logits[c] / sum));
        }
        return scores;
    }

    @Override
    public float[] similarity(Image picture, List<String> texts) {
        float[][] t = textEmbeddings(texts);
        float[] v = imageEmbeddings(List.of(picture))[0];
        float[] out = new float[t.length];
        for (int i = 0; i < t.length; i++) {
            double dot = 0;
            for (int e = 0; e < v.length; e++) {
                dot += (double) t[i][e] * v[e];
            }
            out[i] = (float) dot;
        }
        return out;
    }

    private static HostTensor run(EngineSession session, Map<String, HostTensor> inputs) {
        try {
            HostTensor out = session.run(inputs).get("embedding");
            if (out == null) {
                throw new StoaException(
                        FailureCode.INTERNAL, "the exported tower has no output 'embedding'; export it again");
            }
            return out;
        } catch (StoaException e) {
            throw e;
        } catch (Exception e) {
            throw new StoaException(
                    FailureCode.INTERNAL, session.engine() + " failed to run the tower: " + e.getMessage(), e);
        }
    }

    private static float[][] rows(HostTensor t) {
        long[] shape = t.shape();
        int n = (int) shape[0];
        int e = (int) shape[1];
        float[] flat = t.floats();
        float[][] out = new float[n][e];
        for (int i = 0; i < n; i++) {
            System.arraycopy(flat, i * e, out[i], 0, e);
        }
        return out;
    }

    private static double norm(float[] x) {
        double s = 0;
        for (float f : x) {
            s += (double) f * f;
        }
        return Math.sqrt(s);
    }

    private static double norm(double[] x) {
        double s = 0;
        for (double f : x) {
            s += f * f;
        }
        return Math.sqrt(s);
    }

    /** Frees the tokenizer; the sessions are the platform's to close. */
    @Override
    public void close() {
        ClipInference.closeQuietly(tokenizer);
    }
}
