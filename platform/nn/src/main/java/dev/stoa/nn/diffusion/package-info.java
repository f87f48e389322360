/**
 * Denoising diffusion, shared by the text-to-image models (GLIDE, unCLIP's decoder and prior): a
 * {@link dev.stoa.nn.diffusion.NoiseSchedule} (cosine or linear, its alphas-bar), {@link
 * dev.stoa.nn.diffusion.GaussianDiffusion} (forward noising q(x_t | x_0), the x_0 an epsilon implies, deterministic DDIM
 * steps over a subsequence of the timesteps), {@link dev.stoa.nn.diffusion.ClassifierFreeGuidance}, {@link
 * dev.stoa.nn.diffusion.GaussianNoise} (noise from a {@code SplittableRandom}, so a seed gives the same images whatever
 * else runs), {@link dev.stoa.nn.diffusion.TimestepEmbedding} (sinusoidal), the blocks of a small {@link
 * dev.stoa.nn.diffusion.UNet} ({@link dev.stoa.nn.diffusion.GroupNorm}, {@link dev.stoa.nn.diffusion.TimestepResBlock})
 * the DDPM objective ({@link dev.stoa.nn.diffusion.DenoisingLoss}: mean squared error of the prediction) and what the
 * model predicts ({@link dev.stoa.nn.diffusion.Prediction}: the noise, v or x_0).
 */
@org.osgi.annotation.versioning.Version("0.2.0")
package dev.stoa.nn.diffusion;
