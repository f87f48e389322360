/**
 * Measures that several model bundles report the same way: zero-shot classification with prompt ensembling
 * ({@link dev.stoa.nn.eval.ZeroShotClassifier}, CLIP and CoCa) and the words a generated caption names
 * ({@link dev.stoa.nn.eval.CaptionWords}, ClipCap and CoCa), so their numbers are comparable; and the fields of a
 * zero-shot or similarity request ({@link dev.stoa.nn.eval.ZeroShotRequests}), read the same way by both; and the
 * colour and shape a generated image shows, judged from its pixels with nothing learnt
 * ({@link dev.stoa.nn.eval.ShapeJudge}).
 */
@org.osgi.annotation.versioning.Version("0.4.0")
package dev.stoa.nn.eval;
