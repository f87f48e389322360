package dev.stoa.vqa.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.stoa.api.dataset.Dataset;
import dev.stoa.api.dataset.Example;
import dev.stoa.nn.lm.LanguageModel;
import dev.stoa.nn.loss.TrainingLoss;
import dev.stoa.nn.text.ByteTokenizer;
import dev.stoa.nn.text.SpecialTokens;
import dev.stoa.nn.train.BaseTrainableModel;
import dev.stoa.nn.train.EvaluationOptions;
import dev.stoa.nn.train.ModelFiles;
import dev.stoa.nn.train.TrainingExamples;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
final class SceneQaTrainable extends BaseTrainableModel<LanguageModel> {

    private static final int MAX_ANSWER_TOKENS = 12;

    private final Map<String, Object> hyperparameters;
    private final ByteTokenizer tokenizer;
    private final SceneQaCorpus corpus;
    private final SceneWriter writer;
    /** The ids of the current step: the trainer calls inputs() then lossInputs() on one thread, step by step. */
    private NDArray stepIds;

    SceneQaTrainable(
            String modelId,
            Map<String, Object> hyperparameters,
            LanguageModel model,
            double fewShotProbability,
            SceneWriter writer,
            CopyWords copyWords) {
        super(modelId, model);
        this.hyperparameters = hyperparameters;
        this.tokenizer = new ByteTokenizer(model.maxSequenceLength());
        this.corpus = new SceneQaCorpus(fewShotProbability, writer, copyWords);
        this.writer = writer;
    }

    @Override
    protected Shape[] inputShapes() {
        return new Shape[] {new Shape(1, block().maxSequenceLength())};
    }

    @Override
    public NDList inputs(NDManager batch, List<Example> examples, SplittableRandom random) {
        stepIds = ids(batch, tokenizer.encode(corpus.texts(examples, random)));
        return new NDList(stepIds);
    }

    @Override
    public NDList lossInputs(NDList outputs, List<Example> examples, NDManager batch) {
        // the loss shifts the ids itself; they are this step's inputs, drawn at random in inputs()
        return new NDList(outputs.head(), stepIds);
    }

    @Override
    public Map<String, Double> evaluate(Dataset dataset, Map<String, ?> options, ParameterStore parameters) {
        int perSplit = new EvaluationOptions(options).integer("examples", 200);
        Map<String, Double> out = new LinkedHashMap<>();
        SplittableRandom random = new SplittableRandom(7);
        for (String split : TrainingExamples.heldOutSplits(dataset)) {
            int correct = 0;
            int total = 0;
            for (Example e : TrainingExamples.first(dataset.split(split), perSplit)) {
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
            for (int step = 0; step < MAX_ANSWER_TOKENS && ids.size() < block().maxSequenceLength(); step++) {
                long[] seq = ids.stream().mapToLong(Long::longValue).toArray();
                NDArray logits = block().forward(ps, new NDList(m.create(seq, new Shape(1, seq.length))), false)
                        .head();
                long next = logits.get(0, seq.length - 1)
                        .argMax()
                        .toType(DataType.INT64, false)
                        .getLong();
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
        ModelFiles.saveParameters(block(), dir.resolve("gpt.params"));
        Map<String, Object> variant = new LinkedHashMap<>(hyperparameters);
        variant.put("tokenizer", "bytes");
        ModelFiles.writeProperties(
                dir.resolve(ModelFiles.VARIANT),
                variant,
                "GPT trained on scene descriptions with" + " questions and answers, as " + modelId());
    }

    @Override
    public Map<String, Object> describe() {
        Map<String, Object> out = new LinkedHashMap<>(hyperparameters);
        out.put("parameters", parameterCount(false));
        return out;
    }
}
