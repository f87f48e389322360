/**
 * Images as the survey models trained here read them ({@link dev.stoa.nn.image.ImagePixels}): one resize and one
 * scaling for CoCa, SimVLM, VisualBERT, ViLBERT and MERLOT, so that a model trained by one bundle and a service of
 * another see the same pixels. CLIP keeps its own preprocessing (its mean and standard deviation per channel).
 */
@org.osgi.annotation.versioning.Version("1.2.0")
package dev.stoa.nn.image;
