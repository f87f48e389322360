/**
 * Tokenizers for text encoders: {@link dev.stoa.nn.text.TextTokenizer} gives a fixed-length
 * {@link dev.stoa.nn.text.TokenBatch}; {@link dev.stoa.nn.text.ByteTokenizer} (no vocabulary) and
 * {@link dev.stoa.nn.text.WordTokenizer} (vocabulary from a corpus) are deterministic and framed by
 * {@link dev.stoa.nn.text.SpecialTokens}; {@link dev.stoa.nn.text.HuggingFaceTextTokenizer} reads a Hugging Face
 * {@code tokenizer.json}. The first two are also {@link dev.stoa.nn.text.TextCodec}s (text to ids and back) for
 * language models.
 */
@org.osgi.annotation.versioning.Version("0.2.0")
package dev.stoa.nn.text;
