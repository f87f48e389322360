/**
 * Decoding for any autoregressive model, as one reusable component: a model offers a
 * {@link dev.stoa.nn.decode.StepFunction} (next-token logits for a prefix, extended one token at a time, with or
 * without a key/value cache) and {@link dev.stoa.nn.decode.Decoding} turns it into text with the
 * {@code dev.stoa.api.generation.GenerationOptions}: greedy, temperature, top-k, top-p, beam search, max tokens,
 * stop sequences and seeded sampling. {@link dev.stoa.nn.decode.SamplingFilters} holds the distribution cuts.
 * {@link dev.stoa.nn.decode.MagicSearch} is contrastive search and MAGiC (contrastive search steered by a
 * {@link dev.stoa.nn.decode.CandidateScorer}, e.g. CLIP against an image) over a
 * {@link dev.stoa.nn.decode.HiddenStepFunction}. {@link dev.stoa.nn.decode.BatchGreedy} is greedy decoding of a whole
 * batch for captioners that rerun the sequence each step (Frozen, VC-GPT, CoCa, SimVLM).
 */
@org.osgi.annotation.versioning.Version("0.4.0")
package dev.stoa.nn.decode;
