package dev.stoa.nn.lm;

import dev.stoa.nn.onnx.DecoderGraphs;
import dev.stoa.nn.onnx.OnnxGraph;

/**
 * A {@link LanguageModel} that can be written as an ONNX decoder graph with its key/value cache as explicit inputs
 * and outputs ({@link DecoderGraphs#decoder}: {@code tokens}, {@code position}, optionally {@code prefix}, and
 * {@code past.<l>.key/value} in; {@code logits} and {@code present.<l>.key/value} out), so that a model that embeds
 * one (ClipCap) can export it without knowing its class.
 */
public interface DecoderExport {

    /**
     * @param name the graph's name
     * @param prefixInput whether the graph takes prefix embeddings before the tokens (ClipCap's mapped image)
     * @return the graph of the model's current parameters
     * @throws IllegalStateException if the model is not initialised
     */
    OnnxGraph onnxDecoder(String name, boolean prefixInput);
}
