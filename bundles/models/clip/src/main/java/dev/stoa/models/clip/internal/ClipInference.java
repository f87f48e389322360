package dev.stoa.models.clip.internal;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import dev.stoa.api.data.Image;
import dev.stoa.nn.encoder.EncoderFactory;
import dev.stoa.nn.encoder.EncoderFactory.Modality;
import dev.stoa.nn.text.ByteTokenizer;
import dev.stoa.nn.text.HuggingFaceTextTokenizer;
import dev.stoa.nn.text.TextTokenizer;
import dev.stoa.nn.text.TokenBatch;
import dev.stoa.nn.text.WordTokenizer;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * One CLIP variant ready to answer: the {@link ClipModel} built from the variant's encoder factories, its tokenizer
 * and preprocessing, and whether its weights were trained.
 *
 * <p>Weights come from {@code <modelDir>/clip.params} (DJL's {@code Block.saveParameters} format) when that file
 * exists. Otherwise the model serves its random initial weights and says so: {@link #trained()} is {@code false},
 * and every answer carries {@code "trained": false}. Training a CLIP comes with the trainer (platform/train); until
 * then the embeddings are well-formed but meaningless. A {@code tokenizer.json} (Hugging Face) or {@code vocab.txt}
 * ({@link WordTokenizer}) in the same folder replaces the variant's byte tokenizer, so a trained model keeps the
 * vocabulary it was trained with.
 *
 * <p>Thread-safe: each call works in its own sub-manager, and inference passes share the read-only parameters.
 */
final class ClipInference implements ClipEncoders, AutoCloseable {

    /** The parameter file in a model folder. */
    static final String PARAMETERS = "clip.params";
    /** The classes a trained model knows, one per line: the zero-shot service's labels when a request has none. */
    static final String CLASSES = "classes.txt";
    /** Its prompt templates, one per line, each with {@code {}}: the default templates likewise. */
    static final String TEMPLATES = "templates.txt";

    private final ClipVariant variant;
    private final NDManager manager;
    private final ClipModel model;
    private final TextTokenizer tokenizer;
    private final ClipPreprocessing preprocessing;
    private final boolean trained;
    private final List<String> classes;
    private final List<String> templates;

    private ClipInference(
            ClipVariant variant,
            NDManager manager,
            ClipModel model,
            TextTokenizer tokenizer,
            boolean trained,
            List<String> classes,
            List<String> templates) {
        this.variant = variant;
        this.manager = manager;
        this.model = model;
        this.tokenizer = tokenizer;
        this.preprocessing = new ClipPreprocessing(variant.imageSize());
        this.trained = trained;
        this.classes = classes;
        this.templates = templates;
    }

    /**
     * Builds a variant with the given encoders and loads its weights if {@code modelDir} has them.
     *
     * @param variant the variant
     * @param encoders the encoder factories by {@code stoa.id}
     * @param modelDir {@code data/models/clip-<variant>}, which may not exist
     * @param engine the DJL engine to run on, e.g. {@code PyTorch}
     * @return the model, ready
     * @throws StoaException {@code BAD_CONFIG} if an encoder is missing or of the wrong modality, or a tokenizer
     *     does not fit the text encoder; {@code INTERNAL} if a weights file cannot be read
     */
    static ClipInference open(
            ClipVariant variant, Function<String, EncoderFactory> encoders, Path modelDir, String engine) {
        ClipModel model = build(variant, encoders);
        TextTokenizer tokenizer = tokenizer(variant, modelDir);
        Object vocabulary = variant.textHyperparameters().get("vocab_size");
        if (vocabulary != null && tokenizer.vocabularySize() > Integer.parseInt(vocabulary.toString())) {
            closeQuietly(tokenizer);
            throw new StoaException(
                    FailureCode.BAD_CONFIG,
                    "variants/" + variant.name()
                            + ".properties: text.vocab_size is " + vocabulary + " but the tokenizer makes "
                            + tokenizer.vocabularySize() + " ids; raise text.vocab_size to at least that");
        }
        NDManager manager = NDManager.newBaseManager(engine);
        try {
            model.initialize(
                    manager,
                    DataType.FLOAT32,
                    new Shape(1, 3, variant.imageSize(), variant.imageSize()),
                    new Shape(1, variant.contextLength()),
                    new Shape(1));
            Path params = modelDir.resolve(PARAMETERS);
            boolean trained = Files.isRegularFile(params);
            if (trained) {
                try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(params)))) {
                    model.loadParameters(manager, in);
                }
            }
            return new ClipInference(
                    variant,
                    manager,
                    model,
                    tokenizer,
                    trained,
                    lines(modelDir.resolve(CLASSES)),
                    lines(modelDir.resolve(TEMPLATES)));
        } catch (IOException | MalformedModelException | RuntimeException e) {
            manager.close();
            closeQuietly(tokenizer);
            if (e instanceof StoaException se) {
                throw se;
            }
            throw new StoaException(
                    FailureCode.INTERNAL,
                    "cannot load " + modelDir.resolve(PARAMETERS) + " into " + variant.id() + " (" + e.getMessage()
                            + "); it must be saved from the same variant",
                    e);
        }
    }

    /**
     * Builds a variant's uninitialised block from the encoder factories it names; the trainer and {@link #open}
     * share it, so a trained model and a served one are the same structure.
     *
     * @param variant the variant
     * @param encoders the encoder factories by {@code stoa.id}
     * @return the block
     * @throws StoaException {@code BAD_CONFIG} if an encoder is missing or of the wrong modality
     */
    static ClipModel build(ClipVariant variant, Function<String, EncoderFactory> encoders) {
        EncoderFactory imageFactory = encoder(variant, encoders, variant.imageEncoder(), Modality.IMAGE);
        EncoderFactory textFactory = encoder(variant, encoders, variant.textEncoder(), Modality.TEXT);
        Block visual = imageFactory.create(variant.imageHyperparameters(imageFactory));
        Block text = textFactory.create(variant.textHyperparameters(textFactory));
        return new ClipModel(visual, text, variant.embedDimension());
    }

    private static EncoderFactory encoder(
            ClipVariant variant, Function<String, EncoderFactory> encoders, String id, Modality modality) {
        EncoderFactory factory = encoders.apply(id);
        if (factory == null) {
            throw new StoaException(
                    FailureCode.BAD_CONFIG,
                    "variants/" + variant.name() + ".properties names encoder '" + id
                            + "', which no bundle provides; install it or name another (stoa.kind=encoder)");
        }
        if (factory.modality() != modality) {
            throw new StoaException(
                    FailureCode.BAD_CONFIG,
                    "variants/" + variant.name() + ".properties: encoder '" + id + "' reads " + factory.modality()
                            + ", not " + modality);
        }
        return factory;
    }

    static TextTokenizer tokenizer(ClipVariant variant, Path modelDir) {
        try {
            Path hf = modelDir.resolve("tokenizer.json");
            if (Files.isRegularFile(hf)) {
                Object size = variant.textHyperparameters().get("vocab_size");
                if (size == null) {
                    throw new StoaException(
                            FailureCode.BAD_CONFIG,
                            "variants/" + variant.name() + ".properties: set text.vocab_size to the size of " + hf);
                }
                return HuggingFaceTextTokenizer.load(hf, variant.contextLength(), Integer.parseInt(size.toString()), 0);
            }
            Path words = modelDir.resolve("vocab.txt");
            if (Files.isRegularFile(words)) {
                return WordTokenizer.load(words, variant.contextLength());
            }
        } catch (IOException e) {
            throw new StoaException(
                    FailureCode.BAD_CONFIG, "cannot read the tokenizer in " + modelDir + ": " + e.getMessage(), e);
        }
        return new ByteTokenizer(variant.contextLength());
    }

    static List<String> lines(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            return List.of();
        }
        return Files.readAllLines(file).stream()
                .map(String::strip)
                .filter(l -> !l.isEmpty())
                .toList();
    }

    /** @return the classes it was trained on ({@value #CLASSES}), or none */
    @Override
    public List<String> classes() {
        return classes;
    }

    /** @return the prompt templates it was trained with ({@value #TEMPLATES}), or none */
    @Override
    public List<String> templates() {
        return templates;
    }

    /** @return the variant */
    @Override
    public ClipVariant variant() {
        return variant;
    }

    /** @return whether the weights came from a parameter file rather than random initialisation */
    @Override
    public boolean trained() {
        return trained;
    }

    /** @return E, the embedding width */
    @Override
    public int dimension() {
        return variant.embedDimension();
    }

    /** @return T, the most tokens a text keeps */
    @Override
    public int maxTokens() {
        return tokenizer.contextLength();
    }

    /** @return the block, for tests and the trainer */
    ClipModel model() {
        return model;
    }

    /**
     * @param images at least one, any size
     * @return one L2-normalised embedding of E per image
     */
    @Override
    public float[][] imageEmbeddings(List<Image> images) {
        try (NDManager batch = manager.newSubManager()) {
            return rows(encodeImages(batch, images));
        }
    }

    @Override
    public float[][][] imageTokens(List<Image> images) {
        try (NDManager batch = manager.newSubManager()) {
            NDArray t = model.encodeImageTokens(new ParameterStore(batch, false), pixels(batch, images));
            int n = (int) t.getShape().get(1);
            int d = (int) t.getShape().get(2);
            float[] flat = t.toFloatArray();
            float[][][] out = new float[images.size()][n][d];
            for (int b = 0; b < out.length; b++) {
                for (int i = 0; i < n; i++) {
                    System.arraycopy(flat, (b * n + i) * d, out[b][i], 0, d);
                }
            }
            return out;
        }
    }

    /**
     * @param texts at least one
     * @return one L2-normalised embedding of E per text
     */
    @Override
    public float[][] textEmbeddings(List<String> texts) {
        try (NDManager batch = manager.newSubManager()) {
            return rows(encodeTexts(batch, texts));
        }
    }

    /**
     * Zero-shot classification with prompt ensembling ({@link ZeroShot}).
     *
     * @param image the image
     * @param labels the class names, at least one, distinct
     * @param templates prompts with {@code {}} where the label goes, at least one
     * @return the probability of each label, in the order given; they sum to 1
     */
    @Override
    public Map<String, Float> classify(Image image, List<String> labels, List<String> templates) {
        List<String> prompts = new ArrayList<>(labels.size() * templates.size());
        for (String label : labels) {
            for (String template : templates) {
                prompts.add(template.replace("{}", label));
            }
        }
        try (NDManager batch = manager.newSubManager()) {
            NDArray classifier = ZeroShot.classifier(encodeTexts(batch, prompts), labels.size(), templates.size());
            float[] p = ZeroShot.probabilities(encodeImages(batch, List.of(image)), classifier, model.scale())
                    .toFloatArray();
            Map<String, Float> scores = new LinkedHashMap<>();
            for (int c = 0; c < labels.size(); c++) {
                scores.put(labels.get(c), p[c]);
            }
            return scores;
        }
    }

    /**
     * @param image the image
     * @param texts the texts, at least one
     * @return the cosine between the image's and each text's embedding, in [-1, 1]
     */
    @Override
    public float[] similarity(Image image, List<String> texts) {
        try (NDManager batch = manager.newSubManager()) {
            return encodeTexts(batch, texts)
                    .matMul(encodeImages(batch, List.of(image)).transpose())
                    .toFloatArray();
        }
    }

    /**
     * Writes the parameters in DJL's {@code Block.saveParameters} format, the file {@link #open} loads.
     *
     * @param file where to write
     * @throws IOException if it cannot be written
     */
    void save(Path file) throws IOException {
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file)))) {
            model.saveParameters(out);
        }
    }

    private NDArray encodeImages(NDManager batch, List<Image> images) {
        return model.encodeImage(new ParameterStore(batch, false), pixels(batch, images), false);
    }

    private NDArray pixels(NDManager batch, List<Image> images) {
        int s = preprocessing.size();
        float[] pixels = new float[images.size() * 3 * s * s];
        for (int i = 0; i < images.size(); i++) {
            System.arraycopy(preprocessing.toChw(images.get(i)), 0, pixels, i * 3 * s * s, 3 * s * s);
        }
        return batch.create(pixels, new Shape(images.size(), 3, s, s));
    }

    private NDArray encodeTexts(NDManager batch, List<String> texts) {
        TokenBatch tokens = tokenizer.encode(texts);
        NDArray ids = batch.create(tokens.flatIds(), new Shape(tokens.batchSize(), tokens.contextLength()));
        NDArray lengths = batch.create(tokens.lengths());
        return model.encodeText(new ParameterStore(batch, false), ids, lengths, false);
    }

    private static float[][] rows(NDArray x) {
        int n = (int) x.getShape().get(0);
        int e = (int) x.getShape().get(1);
        float[] flat = x.toFloatArray();
        float[][] out = new float[n][e];
        for (int i = 0; i < n; i++) {
            System.arraycopy(flat, i * e, out[i], 0, e);
        }
        return out;
    }

    @Override
    public void close() {
        closeQuietly(tokenizer);
        manager.close();
    }

    static void closeQuietly(TextTokenizer tokenizer) {
        if (tokenizer instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                // only the native memory of a tokenizer that is going away anyway
            }
        }
    }
}
