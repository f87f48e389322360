/**
 * Data records for the modalities that flow between Stoa services: {@link dev.stoa.api.data.Text},
 * {@link dev.stoa.api.data.Image}, {@link dev.stoa.api.data.Audio}, {@link dev.stoa.api.data.Embedding},
 * {@link dev.stoa.api.data.Tokens}, {@link dev.stoa.api.data.Mask} and {@link dev.stoa.api.data.Segment} (a mask with its box and score). Each validates itself on construction, so a
 * service never sees a record whose sizes disagree.
 */
@org.osgi.annotation.versioning.Version("0.4.0")
package dev.stoa.api.data;
