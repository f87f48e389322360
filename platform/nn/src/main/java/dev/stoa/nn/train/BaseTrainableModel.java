package dev.stoa.nn.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import dev.stoa.api.dataset.Example;
import dev.stoa.nn.text.TokenBatch;
import java.util.List;

/**
 * What every {@link TrainableModel} does alike, so that a model bundle writes only its mechanism (inputs, loss
 * inputs, evaluation, what it saves): it holds the model store id and the block, initialises the block from its
 * input shapes, hands the block's outputs to the loss unchanged unless told otherwise, and frees nothing on close,
 * since the block's parameters live in the trainer's manager, which frees them.
 *
 * @param <B> the block's type, so the model reaches its own methods ({@code encodeImage}, {@code decoder()}) typed
 */
public abstract class BaseTrainableModel<B extends Block> implements TrainableModel {

    private final String modelId;
    private final B block;

    /**
     * @param modelId the model store id its versions are published under
     * @param block the block the trainer optimises, uninitialised
     */
    protected BaseTrainableModel(String modelId, B block) {
        this.modelId = modelId;
        this.block = block;
    }

    @Override
    public final String modelId() {
        return modelId;
    }

    @Override
    public final B block() {
        return block;
    }

    /**
     * @return the shapes of the block's inputs for a batch of one, as {@link #inputs} makes them, from which DJL
     *     sizes the parameters
     */
    protected abstract Shape[] inputShapes();

    /** Initialises the block's parameters (float32) from {@link #inputShapes()}; override to load some afterwards. */
    @Override
    public void initialize(NDManager manager) {
        block.initialize(manager, DataType.FLOAT32, inputShapes());
    }

    /** The block's outputs as they are: for blocks that return what their loss takes, e.g. {@code [logits, ids]}. */
    @Override
    public NDList lossInputs(NDList outputs, List<Example> examples, NDManager batch) {
        return outputs;
    }

    @Override
    public void close() {
        // the parameters live in the trainer's manager, which frees them
    }

    /**
     * @param batch the step's manager
     * @param tokens a tokenised batch
     * @return its ids as the block's input, {@code (B, T)} int64
     */
    protected static NDArray ids(NDManager batch, TokenBatch tokens) {
        return batch.create(tokens.flatIds(), new Shape(tokens.batchSize(), tokens.contextLength()));
    }

    /**
     * @param trainedOnly count only parameters that require gradients (those the trainer optimises)
     * @return the block's number of scalars, for {@link #describe()}
     */
    protected final long parameterCount(boolean trainedOnly) {
        return parameterCount(block, trainedOnly);
    }

    /**
     * @param block a block; parameters not yet initialised count as none
     * @param trainedOnly count only parameters that require gradients
     * @return its number of scalars
     */
    public static long parameterCount(Block block, boolean trainedOnly) {
        long n = 0;
        for (Pair<String, Parameter> p : block.getParameters()) {
            if (p.getValue().isInitialized() && (!trainedOnly || p.getValue().requiresGradient())) {
                n += p.getValue().getArray().size();
            }
        }
        return n;
    }
}
