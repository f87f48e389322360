package dev.stoa.nn.train;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import dev.stoa.api.dataset.Dataset;
import dev.stoa.api.dataset.Example;
import dev.stoa.nn.loss.TrainingLoss;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A model the trainer can train: its block, how examples become its inputs, how its outputs become a loss's inputs,
 * how it is evaluated, and what it saves for serving. One training step is, in the trainer:
 *
 * <pre>
 * inputs  = model.inputs(batchManager, examples, rng)
 * outputs = model.block().forward(ps, inputs, true)
 * loss    = loss.evaluate(ps, model.lossInputs(outputs, examples), true)
 * </pre>
 */
public interface TrainableModel extends AutoCloseable {

    /** @return the model store id its trained versions are published under, e.g. {@code clip-tiny} */
    String modelId();

    /** @return the block the trainer optimises; its parameters are the model's */
    Block block();

    /**
     * Initialises the block's parameters (random, from DJL's seeded generator) in {@code manager}.
     *
     * @param manager where the parameters live for the whole run
     */
    void initialize(NDManager manager);

    /**
     * @param batch the step's manager; everything created here is freed after the step
     * @param examples the batch's examples, none null
     * @param random the step's generator, for choices such as which caption of several to use
     * @return the block's inputs
     */
    NDList inputs(NDManager batch, List<Example> examples, SplittableRandom random);

    /**
     * @param outputs what the block returned for {@link #inputs}
     * @param examples the same examples
     * @param batch the step's manager
     * @return the loss's inputs, as the loss documents them (e.g. {@code [images, texts]} or with labels)
     */
    NDList lossInputs(NDList outputs, List<Example> examples, NDManager batch);

    /**
     * Evaluates the current parameters without recording gradients.
     *
     * @param dataset the dataset it trains on
     * @param options the training file's {@code evaluate} section (e.g. split names, gallery size)
     * @param parameters where to read the parameters
     * @return named numbers, e.g. {@code zero_shot_top1/test}, {@code recall@5/test}
     */
    Map<String, Double> evaluate(Dataset dataset, Map<String, ?> options, ParameterStore parameters);

    /**
     * Writes everything the serving side needs to load this model into an empty folder (it becomes a model store
     * version).
     *
     * @param dir the folder
     * @param loss the trained loss, whose learned parameters (a temperature) the model may keep
     * @param dataset the dataset it was trained on, whose labels and prompt templates the model may keep as its
     *     defaults
     * @throws IOException if a file cannot be written
     */
    void save(Path dir, TrainingLoss loss, Dataset dataset) throws IOException;

    /** @return what the model is, for the run's report: variant, parameter count, ... */
    Map<String, Object> describe();

    @Override
    void close();
}
