package dev.stoa.vqa.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import dev.stoa.api.dataset.Dataset;
import dev.stoa.api.dataset.Example;
import dev.stoa.nn.lm.LanguageModel;
import dev.stoa.nn.loss.TrainingLoss;
import dev.stoa.nn.text.ByteTokenizer;
import dev.stoa.nn.text.SpecialTokens;
import dev.stoa.nn.text.TokenBatch;
import dev.stoa.nn.train.TrainableModel;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;

/**
 * The Socratic pipeline's answering model as the trainer sees it: a GPT decoder (built by the {@code gpt}
 * {@link dev.stoa.nn.lm.LanguageModelFactory}) on {@link SceneQaCorpus} texts. Inputs {@code [ids (B, L)]}
 * ({@code [SOT, bytes..., EOT, 0...]}); the loss ({@code captioning}) gets {@code [logits (B, L, V), ids (B, L)]}.
 *
 * <p>Evaluation: {@code answer_accuracy/<split>}, greedy answers (up to the newline or the end token) to one question
 * of each of the first {@code examples} (default 200) examples of each non-training split, from descriptions written
 * as the pipeline writes them when every stage is right, so it measures the language model alone.
 *
 * <p>{@link #save} writes what the {@code gpt} bundle serves from the store: {@code gpt.params} and
 * {@code variant.properties} (tokenizer and hyperparameters).
 */
final class SceneQaTrainable implements TrainableModel {

    private static final int MAX_ANSWER_TOKENS = 12;

    private final String modelId;
    private final Map<String, Object> hyperparameters;
    private final LanguageModel model;
    private final ByteTokenizer tokenizer;
    private final SceneQaCorpus corpus;
    private final SceneWriter writer;
    /** The ids of the current step: the trainer calls inputs() then lossInputs() on one thread, step by step. */
    private NDArray stepIds;

    SceneQaTrainable(String modelId, Map<String, Object> hyperparameters, LanguageModel model,
            double fewShotProbability, SceneWriter writer) {
        this.modelId = modelId;
        this.hyperparameters = hyperparameters;
        this.model = model;
        this.tokenizer = new ByteTokenizer(model.maxSequenceLength());
        this.corpus = new SceneQaCorpus(fewShotProbability, writer);
        this.writer = writer;
    }

    @Override
    public String modelId() {
        return modelId;
    }

    @Override
    public Block block() {
        return model;
    }

    @Override
    public void initialize(NDManager manager) {
        model.initialize(manager, DataType.FLOAT32, new Shape(1, model.maxSequenceLength()));
    }

    @Override
    public NDList inputs(NDManager batch, List<Example> examples, SplittableRandom random) {
        TokenBatch tokens = tokenizer.encode(corpus.texts(examples, random));
        stepIds = batch.create(tokens.flatIds(), new Shape(tokens.batchSize(), tokens.contextLength()));
        return new NDList(stepIds);
    }

    @Override
    public NDList lossInputs(NDList outputs, List<Example> examples, NDManager batch) {
        // the loss shifts the ids itself; they are this step's inputs, drawn at random in inputs()
        return new NDList(outputs.head(), stepIds);
    }

    @Override
    public Map<String, Double> evaluate(Dataset dataset, Map<String, ?> options, ParameterStore parameters) {
        Object n = options.get("examples");
        int perSplit = n == null ? 200 : Integer.parseInt(n.toString().trim());
        Map<String, Double> out = new LinkedHashMap<>();
        SplittableRandom random = new SplittableRandom(7);
        for (String split : dataset.splits()) {
            if (split.equals("train")) {
                continue;
            }
            Dataset.Split s = dataset.split(split);
            int correct = 0;
            int total = 0;
            for (int i = 0; i < s.size() && total < perSplit; i++) {
                Example e = s.get(i);
                if (e == null) {
                    continue;
                }
                List<SceneQuestion> qs = SceneQuestions.of(e, random);
                SceneQuestion q = qs.get(random.nextInt(qs.size()));
                String answer = answer(parameters, SceneText.prompt(writer.clean(e, random), q.question()));
                correct += q.isAnsweredBy(answer) ? 1 : 0;
                total++;
            }
            if (total > 0) {
                out.put("answer_accuracy/" + split, (double) correct / total);
            }
        }
        return out;
    }

    /** Greedy continuation of {@code prompt} up to a newline, the end token or {@value #MAX_ANSWER_TOKENS} tokens. */
    private String answer(ParameterStore ps, String prompt) {
        long[] body = tokenizer.toIds(prompt);
        List<Long> ids = new ArrayList<>();
        ids.add(SpecialTokens.START);
        for (long id : body) {
            ids.add(id);
        }
        List<Long> produced = new ArrayList<>();
        try (NDManager m = ps.getManager().newSubManager()) {
            for (int step = 0; step < MAX_ANSWER_TOKENS && ids.size() < model.maxSequenceLength(); step++) {
                long[] seq = ids.stream().mapToLong(Long::longValue).toArray();
                NDArray logits = model.forward(ps, new NDList(m.create(seq, new Shape(1, seq.length))), false)
                        .head();
                long next = logits.get(0, seq.length - 1).argMax().toType(DataType.INT64, false).getLong();
                if (next == SpecialTokens.END || next == SpecialTokens.COUNT + '\n') {
                    break;
                }
                ids.add(next);
                produced.add(next);
            }
        }
        return tokenizer.toText(produced.stream().mapToLong(Long::longValue).toArray());
    }

    @Override
    public void save(Path dir, TrainingLoss loss, Dataset dataset) throws IOException {
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(
                dir.resolve("gpt.params"))))) {
            model.saveParameters(out);
        }
        Properties p = new Properties();
        p.setProperty("tokenizer", "bytes");
        hyperparameters.forEach((k, v) -> p.setProperty(k, String.valueOf(v)));
        try (OutputStream out = Files.newOutputStream(dir.resolve("variant.properties"))) {
            p.store(out, "GPT trained on scene descriptions with questions and answers, as " + modelId);
        }
    }

    @Override
    public Map<String, Object> describe() {
        long count = 0;
        for (Pair<String, Parameter> p : model.getParameters()) {
            count += p.getValue().getArray().size();
        }
        Map<String, Object> out = new LinkedHashMap<>(hyperparameters);
        out.put("parameters", count);
        return out;
    }

    @Override
    public void close() {
        // the parameters live in the trainer's manager, which frees them
    }
}
