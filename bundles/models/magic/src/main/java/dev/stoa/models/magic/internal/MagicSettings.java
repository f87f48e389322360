package dev.stoa.models.magic.internal;

import dev.stoa.api.FailureCode;
import dev.stoa.api.ServiceProperties;
import dev.stoa.api.StoaException;
import dev.stoa.nn.decode.MagicSearch;

/**
 * A checked {@link MagicConfig}: every bad entry fails with {@code BAD_CONFIG} naming its key and what to write.
 *
 * @param id the captioner's stoa.id
 * @param lm the language model's store id
 * @param clip the CLIP's model id
 * @param search k, alpha, beta and the most tokens
 * @param clipScale the logit scale of the CLIP scores
 * @param prompt the caption's start, or the text prompt
 * @param source where the settings came from, for messages (the file)
 */
record MagicSettings(
        String id, String lm, String clip, MagicSearch.Options search, double clipScale, String prompt, String source) {

    static MagicSettings of(MagicConfig c, String source) {
        String lm = modelId("lm", c.lm(), "a trained language model, e.g. gpt-scene-captions", source);
        String clip = modelId("clip", c.clip(), "a CLIP model, e.g. clip-tiny-scenes", source);
        String id = c.id() == null || c.id().isBlank() ? "magic-" + lm + "-caption" : c.id().trim();
        try {
            ServiceProperties.requireValidId(id);
        } catch (StoaException e) {
            throw bad(source, "'id' is '" + id + "'; use lower-case letters, digits, '.', '_' or '-'");
        }
        if (c.k() < 1 || c.k() > 64) {
            throw bad(source, "'k' is " + c.k() + "; use 1 (greedy) to 64 candidates a step");
        }
        if (!(c.alpha() >= 0 && c.alpha() <= 1)) {
            throw bad(source, "'alpha' is " + c.alpha() + "; use a number in [0, 1]");
        }
        if (!(c.beta() >= 0) || Double.isInfinite(c.beta())) {
            throw bad(source, "'beta' is " + c.beta() + "; use a number of at least 0 (0: no CLIP guidance)");
        }
        if (!(c.clipScale() > 0) || Double.isInfinite(c.clipScale())) {
            throw bad(source, "'clipScale' is " + c.clipScale() + "; use a positive number, e.g. 100");
        }
        if (c.lookahead() < 0 || c.lookahead() > 64) {
            throw bad(source, "'lookahead' is " + c.lookahead() + "; use 0 (none) to 64 tokens");
        }
        if (!(c.minProbability() >= 0 && c.minProbability() < 1)) {
            throw bad(source, "'minProbability' is " + c.minProbability() + "; use a number in [0, 1)");
        }
        if (c.maxTokens() < 1 || c.maxTokens() > 1024) {
            throw bad(source, "'maxTokens' is " + c.maxTokens() + "; use 1 to 1024");
        }
        return new MagicSettings(
                id,
                lm,
                clip,
                new MagicSearch.Options(c.k(), c.alpha(), c.beta(), c.maxTokens(), c.lookahead(), c.minProbability()),
                c.clipScale(),
                c.prompt() == null ? "" : c.prompt(),
                source);
    }

    private static String modelId(String key, String value, String example, String source) {
        if (value == null || value.isBlank()) {
            throw bad(source, "'" + key + "' is missing; name " + example);
        }
        String id = value.trim();
        if (!id.matches("[a-z0-9][a-z0-9._-]{0,99}")) {
            throw bad(source, "'" + key + "' is '" + id + "', which is no model id; name " + example);
        }
        return id;
    }

    private static StoaException bad(String source, String message) {
        return new StoaException(FailureCode.BAD_CONFIG, "MAGiC configuration " + source + ": " + message);
    }
}
