/**
 * The contract of language-model bundles: a {@link dev.stoa.nn.lm.LanguageModelFactory} registered with
 * {@code stoa.id} (e.g. {@code gpt}) and {@code stoa.kind=model} makes {@link dev.stoa.nn.lm.LanguageModel} blocks
 * (causal decoders that may read a prefix of embeddings, as ClipCap's) for a trainer or a captioner to own;
 * {@link dev.stoa.nn.lm.LanguageModelSteps} runs any of them under {@code dev.stoa.nn.decode.Decoding}, with or
 * without a key/value cache; one that implements {@link dev.stoa.nn.lm.DecoderExport} can be written as an ONNX
 * decoder graph.
 */
@org.osgi.annotation.versioning.Version("0.3.0")
package dev.stoa.nn.lm;
