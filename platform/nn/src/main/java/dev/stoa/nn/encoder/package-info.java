/**
 * The contract of encoder bundles: an {@link dev.stoa.nn.encoder.EncoderFactory} registered with {@code stoa.id}
 * and {@code stoa.kind=encoder} makes image or text encoder blocks from hyperparameters, for model bundles (CLIP,
 * SimVLM, CoCa) to compose; {@link dev.stoa.nn.encoder.Hyperparameters} reads those hyperparameters with messages
 * that name the key at fault; an image encoder that implements {@link dev.stoa.nn.encoder.TokenFeatures} also
 * answers its token (grid) features.
 */
@org.osgi.annotation.versioning.Version("0.2.0")
package dev.stoa.nn.encoder;
