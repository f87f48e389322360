package dev.stoa.models.dalle.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import dev.stoa.api.data.Image;
import dev.stoa.api.dataset.Dataset;
import dev.stoa.api.dataset.Example;
import dev.stoa.nn.eval.ShapeJudge;
import dev.stoa.nn.image.ImagePixels;
import dev.stoa.nn.loss.TrainingLoss;
import dev.stoa.nn.train.BaseTrainableModel;
import dev.stoa.nn.train.EvaluationOptions;
import dev.stoa.nn.train.TrainingExamples;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DALL-E's first stage as the trainer sees it: the discrete VAE alone. Inputs {@code [x (B, 3, S, S), tau (1)]}: the
 * images resized to S and the Gumbel-softmax temperature of this step, annealed from {@code tau_start} to
 * {@code tau_end} over {@code anneal_steps} ({@link DvaeConfig#temperature}); the step is counted here, one per
 * {@link #inputs} call (a run resumed from a checkpoint starts the schedule again).
 *
 * <p>Evaluation on the first {@code examples} (200) images of {@code split} (default {@code test}), each encoded to
 * its hard tokens (argmax) and decoded: {@code reconstruction_mse/<split>} (mean squared error, pixels in 0-1),
 * {@code reconstruction_judge/<split>} (the fraction of reconstructions in which {@link ShapeJudge} reads the
 * example's colour and shape: the ceiling of what the transformer's samples can reach), {@code data_judge/<split>}
 * (the judge on the originals at S), and {@code codes_used/<split>} (distinct codes over K).
 */
final class DvaeTrainable extends BaseTrainableModel<Dvae> {

    private static final Logger LOG = LoggerFactory.getLogger(DvaeTrainable.class);
    private static final int EVAL_BATCH = 100;

    private final DvaeConfig config;
    private final AtomicLong step = new AtomicLong();

    DvaeTrainable(String modelId, DvaeConfig config) {
        super(modelId, new Dvae(config));
        this.config = config;
    }

    DvaeConfig config() {
        return config;
    }

    @Override
    protected Shape[] inputShapes() {
        int s = config.imageSize();
        return new Shape[] {new Shape(1, 3, s, s), new Shape(1)};
    }

    @Override
    public NDList inputs(NDManager batch, List<Example> examples, SplittableRandom random) {
        float tau = (float) config.temperature(step.getAndIncrement());
        return new NDList(
                ImagePixels.batch(batch, examples.stream().map(Example::image).toList(), config.imageSize()),
                batch.create(new float[] {tau}));
    }

    @Override
    public Map<String, Double> evaluate(Dataset dataset, Map<String, ?> options, ParameterStore ps) {
        EvaluationOptions o = new EvaluationOptions(options);
        String split = o.string("split", "test");
        if (split.equals(TrainingExamples.TRAIN_SPLIT)) {
            throw new StoaException(
                    FailureCode.BAD_CONFIG, "evaluate.split is 'train'; evaluate on held-out images: 'test' or 'val'");
        }
        List<Example> examples = TrainingExamples.first(dataset.split(split), o.integer("examples", 200));
        double squared = 0;
        long values = 0;
        int reconRight = 0;
        int dataRight = 0;
        Set<Long> used = new HashSet<>();
        try (NDManager sub = ps.getManager().newSubManager()) {
            for (int i = 0; i < examples.size(); i += EVAL_BATCH) {
                List<Example> chunk = examples.subList(i, Math.min(examples.size(), i + EVAL_BATCH));
                List<Image> images = chunk.stream().map(Example::image).toList();
                NDArray x = ImagePixels.batch(sub, images, config.imageSize());
                NDArray tokens = block().encode(ps, x);
                for (long t : tokens.toLongArray()) {
                    used.add(t);
                }
                NDArray recon = block().decode(ps, tokens);
                // 0-1 pixels: the scale's step is 0.25 per unit of (v / 255)
                squared += recon.clip(-2f, 2f).sub(x).mul(0.25f).square().sum().getFloat();
                values += x.size();
                List<Image> decoded = DallePixels.images(recon);
                for (int j = 0; j < chunk.size(); j++) {
                    Example e = chunk.get(j);
                    String colour = e.attributes().get("colour");
                    String shape = e.attributes().get("shape");
                    if (ShapeJudge.judge(decoded.get(j)).says(colour, shape)) {
                        reconRight++;
                    }
                    if (ShapeJudge.judge(resized(e.image())).says(colour, shape)) {
                        dataRight++;
                    }
                }
            }
        }
        Map<String, Double> out = new LinkedHashMap<>();
        out.put("reconstruction_mse/" + split, squared / Math.max(1, values));
        out.put("reconstruction_judge/" + split, (double) reconRight / examples.size());
        out.put("data_judge/" + split, (double) dataRight / examples.size());
        out.put("codes_used/" + split, (double) used.size() / config.codebook());
        LOG.info("{}: {}", modelId(), out);
        return out;
    }

    /** @return the image at S x S as the model reads it (the dataset may draw it larger) */
    private Image resized(Image image) {
        int s = config.imageSize();
        if (image.width() == s && image.height() == s) {
            return image;
        }
        try (NDManager m = NDManager.newBaseManager()) {
            return DallePixels.images(ImagePixels.batch(m, List.of(image), s)).get(0);
        }
    }

    @Override
    public void save(Path dir, TrainingLoss loss, Dataset dataset) throws IOException {
        StoredDvae.save(dir, config, block());
    }

    @Override
    public Map<String, Object> describe() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("variant", config.name());
        out.putAll(config.values());
        out.put("grid", config.grid() + "x" + config.grid());
        out.put("parameters", parameterCount(false));
        return out;
    }

    /** @return images decoded from their own tokens, for the tests */
    List<Image> reconstruct(ParameterStore ps, List<Image> images) {
        try (NDManager sub = ps.getManager().newSubManager()) {
            NDArray x = ImagePixels.batch(sub, images, config.imageSize());
            return new ArrayList<>(DallePixels.images(block().decode(ps, block().encode(ps, x))));
        }
    }
}
