/**
 * The contract of encoder bundles: an {@link dev.stoa.nn.encoder.EncoderFactory} registered with {@code stoa.id}
 * and {@code stoa.kind=encoder} makes image or text encoder blocks from hyperparameters, for model bundles (CLIP,
 * SimVLM, CoCa) to compose; {@link dev.stoa.nn.encoder.Hyperparameters} reads those hyperparameters with messages
 * that name the key at fault.
 */
@org.osgi.annotation.versioning.Version("0.1.0")
package dev.stoa.nn.encoder;
