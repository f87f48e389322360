package dev.stoa.models.clipcap.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.stoa.api.dataset.Dataset;
import dev.stoa.api.dataset.Example;
import dev.stoa.nn.lm.PretrainedLanguageModel;
import dev.stoa.nn.loss.TrainingLoss;
import dev.stoa.nn.text.ByteTokenizer;
import dev.stoa.nn.text.SpecialTokens;
import dev.stoa.nn.text.TokenBatch;
import dev.stoa.nn.train.BaseTrainableModel;
import dev.stoa.nn.train.EvaluationOptions;
import dev.stoa.nn.train.TrainingExamples;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A GPT decoder pretrained as a language model on a dataset's captions, the decoder ClipCap's transformer variant
 * keeps frozen (the paper freezes a pretrained GPT-2; here none ships, so the platform pretrains one on the captions
 * it makes). Inputs {@code [ids (B, T)]}, one caption per example drawn at random; the {@code captioning} loss gets
 * {@code [logits, ids]}. Evaluation: {@code caption_loss/<split>}, the mean token cross-entropy (nats) on the first
 * {@code examples} (default 500) captions of {@code split} (default {@code test}). {@link #save} writes
 * the decoder alone, the {@code gpt} factory's hyperparameters and {@code prompt_length}, as
 * {@link PretrainedLanguageModel} reads them back for ClipCap's {@code decoder_model} and VC-GPT's {@code lm_model}.
 *
 * <p>With {@code prompt_length} P > 0 each sequence is a text prompt of P tokens, the example's label
 * ({@code "red circle"}) padded with spaces, followed by the caption: {@code [label bytes..., SOT, caption, EOT]}.
 * The paper's GPT-2 learned from web text to read a context before it; a decoder that has only ever seen bare
 * captions has never used one, so a frozen one cannot be steered by a prefix (measured: see the README). Pretrained
 * this way, the decoder stays a pure text model, and ClipCap's mapper learns to write the P prompt positions as
 * vectors (a soft prompt) in their place.
 */
final class GptCaptionsTrainable extends BaseTrainableModel<TeacherForcing> {

    private static final long SPACE = SpecialTokens.COUNT + ' ';

    private final Map<String, String> hyperparameters;
    private final ByteTokenizer tokenizer;
    private final int promptLength;

    GptCaptionsTrainable(
            String modelId,
            Map<String, String> hyperparameters,
            TeacherForcing model,
            int captionLength,
            int promptLength) {
        super(modelId, model);
        this.hyperparameters = hyperparameters;
        this.tokenizer = new ByteTokenizer(captionLength);
        this.promptLength = promptLength;
    }

    @Override
    protected Shape[] inputShapes() {
        return new Shape[] {new Shape(1, promptLength + tokenizer.contextLength())};
    }

    @Override
    public NDList inputs(NDManager batch, List<Example> examples, SplittableRandom random) {
        return new NDList(sequences(batch, examples, TrainingExamples.oneCaptionEach(examples, random)));
    }

    /** @return {@code (B, P + T)}: each example's prompt (when P > 0), then its caption framed by SOT and EOT */
    private NDArray sequences(NDManager manager, List<Example> examples, List<String> captions) {
        TokenBatch tokens = tokenizer.encode(captions);
        if (promptLength == 0) {
            return ids(manager, tokens);
        }
        int t = tokens.contextLength();
        long[] flat = tokens.flatIds();
        long[] out = new long[examples.size() * (promptLength + t)];
        for (int b = 0; b < examples.size(); b++) {
            int row = b * (promptLength + t);
            java.util.Arrays.fill(out, row, row + promptLength, SPACE);
            String label =
                    examples.get(b).label() == null ? "" : examples.get(b).label();
            long[] prompt = tokenizer.toIds(label);
            System.arraycopy(prompt, 0, out, row, Math.min(promptLength, prompt.length));
            System.arraycopy(flat, b * t, out, row + promptLength, t);
        }
        return manager.create(out, new Shape(examples.size(), promptLength + t));
    }

    @Override
    public Map<String, Double> evaluate(Dataset dataset, Map<String, ?> options, ParameterStore ps) {
        EvaluationOptions o = new EvaluationOptions(options);
        String split = o.string("split", "test");
        List<Example> examples = TrainingExamples.first(dataset.split(split), o.integer("examples", 500));
        try (NDManager m = ps.getManager().newSubManager()) {
            NDArray ids = sequences(
                    m, examples, examples.stream().map(Example::caption).toList());
            NDArray logits = block().forward(ps, new NDList(ids), false).head().get(":, :-1, :");
            NDArray targets = ids.get(":, 1:");
            NDArray mask = targets.neq(SpecialTokens.PAD).toType(DataType.FLOAT32, false);
            NDArray picked = logits.logSoftmax(-1)
                    .mul(targets.oneHot((int) logits.getShape().get(2)).toType(DataType.FLOAT32, false))
                    .sum(new int[] {2});
            double loss =
                    -picked.mul(mask).sum().getFloat() / Math.max(1, mask.sum().getFloat());
            return Map.of("caption_loss/" + split, loss);
        }
    }

    @Override
    public void save(Path dir, TrainingLoss loss, Dataset dataset) throws IOException {
        PretrainedLanguageModel.save(dir, block().decoder(), hyperparameters, promptLength, modelId());
    }

    @Override
    public Map<String, Object> describe() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("decoder", hyperparameters);
        out.put("caption_length", tokenizer.contextLength());
        out.put("prompt_length", promptLength);
        out.put("parameters", parameterCount(false));
        return out;
    }
}
