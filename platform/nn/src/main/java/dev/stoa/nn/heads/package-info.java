/**
 * Pretraining heads of the fusion encoders: BERT's masked-token head ({@link dev.stoa.nn.heads.MaskedTokenHead}),
 * the image-text matching head ({@link dev.stoa.nn.heads.MatchingHead}) and the masking of token ids that feeds
 * the first ({@link dev.stoa.nn.heads.TokenMasking}).
 */
@org.osgi.annotation.versioning.Version("0.1.0")
package dev.stoa.nn.heads;
