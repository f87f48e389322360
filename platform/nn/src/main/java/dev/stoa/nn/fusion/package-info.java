/**
 * Blocks that fuse two modalities inside one network: ViLBERT's co-attentional layer
 * ({@link dev.stoa.nn.fusion.CoAttentionLayer}), where each stream attends to the other. Single-stream fusion
 * (VisualBERT) is a {@link dev.stoa.nn.transformer.TransformerStack} over the concatenated tokens; a decoder that
 * reads an image through cross-attention (CoCa, SimVLM) is a stack of cross-attention
 * {@link dev.stoa.nn.transformer.TransformerLayer}s; a prefix-LM mask is
 * {@link dev.stoa.nn.attention.AttentionMasks#prefix}. On top of a frozen language model: VC-GPT's
 * {@link dev.stoa.nn.fusion.CrossAttentionFusion} and its {@link dev.stoa.nn.fusion.SelfEnsembling} of the two logits.
 */
@org.osgi.annotation.versioning.Version("0.2.0")
package dev.stoa.nn.fusion;
