/**
 * Scaled dot-product multi-head attention ({@link dev.stoa.nn.attention.MultiHeadAttention}) and the masks it takes
 * ({@link dev.stoa.nn.attention.AttentionMasks}): padding, causal, prefix-bidirectional and cross-attention
 * context padding; {@link dev.stoa.nn.attention.KeyValueCache} for incremental decoding
 * ({@link dev.stoa.nn.attention.MultiHeadAttention#forwardWithCache}).
 */
@org.osgi.annotation.versioning.Version("0.2.0")
package dev.stoa.nn.attention;
