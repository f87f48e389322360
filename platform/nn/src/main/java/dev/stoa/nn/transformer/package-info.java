/**
 * Pre-LN transformer layers ({@link dev.stoa.nn.transformer.TransformerLayer}), optionally with a cross-attention
 * sublayer for decoders (Flamingo, CoCa), and stacks of them ({@link dev.stoa.nn.transformer.TransformerStack}).
 */
@org.osgi.annotation.versioning.Version("0.2.0")
package dev.stoa.nn.transformer;
