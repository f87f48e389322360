/**
 * Turning inputs into token sequences: image patches ({@link dev.stoa.nn.embed.PatchEmbedding}), a learned class
 * token ({@link dev.stoa.nn.embed.ClassToken}) and learned positions ({@link dev.stoa.nn.embed.PositionalEmbedding}).
 */
@org.osgi.annotation.versioning.Version("0.2.0")
package dev.stoa.nn.embed;
