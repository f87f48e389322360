package dev.stoa.models.clip.internal;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import dev.stoa.api.data.Image;
import java.util.List;
import java.util.Map;

/**
 * What CLIP's services ask of a model, whichever engine runs it: {@link ClipInference} on DJL's PyTorch, or
 * {@link ClipOnnxInference} on the sessions of its exported towers (ONNX Runtime, TensorRT). Thread-safe.
 */
interface ClipEncoders {

    /** @return the variant */
    ClipVariant variant();

    /** @return whether the weights were trained */
    boolean trained();

    /** @return E, the embedding width */
    int dimension();

    /** @return T, the most tokens a text keeps */
    int maxTokens();

    /** @return the classes it was trained on, or none */
    List<String> classes();

    /** @return the prompt templates it was trained with, or none */
    List<String> templates();

    /**
     * @param images at least one
     * @return one L2-normalised embedding of E per image
     */
    float[][] imageEmbeddings(List<Image> images);

    /**
     * The image tower's token (grid) features, for models that cross-attend to the image (VC-GPT).
     *
     * @param images at least one
     * @return per image {@code [N'][D_v]}: the class token's features first, then one per patch
     * @throws StoaException {@code UNAVAILABLE} where the engine or the encoder cannot give them
     */
    default float[][][] imageTokens(List<Image> images) {
        throw new StoaException(
                FailureCode.UNAVAILABLE,
                variant().id() + " is served on its exported ONNX towers, which give the pooled embedding only; serve"
                        + " it on pytorch (etc/dev.stoa.repository.cfg, engines) for its token features");
    }

    /**
     * @param texts at least one
     * @return one L2-normalised embedding of E per text
     */
    float[][] textEmbeddings(List<String> texts);

    /**
     * @param image the image
     * @param labels the class names
     * @param templates prompts with {@code {}}
     * @return each label's probability, in order
     */
    Map<String, Float> classify(Image image, List<String> labels, List<String> templates);

    /**
     * @param image the image
     * @param texts the texts
     * @return the cosine of the image's and each text's embedding
     */
    float[] similarity(Image image, List<String> texts);
}
