package dev.stoa.models.vcgpt.internal;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import dev.stoa.nn.fusion.SelfEnsembling;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * One VC-GPT variant: a {@code variants/<name>.properties} file with a training file's {@code model} options laid over
 * it, saved beside the fusion module's weights as {@value StoredVcGpt#CONFIG} together with the language model's
 * version it was trained on.
 *
 * @param name the variant's name ({@code tiny})
 * @param clipModel the store id of the frozen CLIP whose {@code <clipModel>-image-tokens} service gives the grid
 * @param lmModel the store id of the frozen language model ({@code gpt-captions})
 * @param lmVersion the language model's version it was trained on, or 0 before training starts (then the newest)
 * @param width W, the fusion module's width
 * @param layers L, its cross-attention decoder layers
 * @param heads its attention heads
 * @param mlpRatio its MLP's hidden width over W
 * @param logits what is decoded and trained: the self-ensembled sum, the fused logits alone, or the LM's alone
 * @param captionLength T, the most tokens of a caption with SOT and EOT
 * @param maxTokens the most tokens a generated caption may have
 */
record VcGptConfig(
        String name,
        String clipModel,
        String lmModel,
        int lmVersion,
        int width,
        int layers,
        int heads,
        float mlpRatio,
        SelfEnsembling logits,
        int captionLength,
        int maxTokens) {

    /** Every key of a variant file with its default. */
    static Map<String, Object> defaults() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("clip_model", "clip-tiny-scenes");
        d.put("lm_model", "gpt-captions");
        d.put("lm_version", 0);
        d.put("width", 64);
        d.put("layers", 2);
        d.put("heads", 4);
        d.put("mlp_ratio", 4);
        d.put("logits", "ensemble");
        d.put("caption_length", 48);
        d.put("max_tokens", 40);
        return d;
    }

    /**
     * @param name the variant's name
     * @param p its keys
     * @param source where they come from, for messages ({@code variants/tiny.properties}, {@code model})
     * @return the variant
     * @throws StoaException {@code BAD_CONFIG} naming the key and what it accepts
     */
    static VcGptConfig read(String name, Properties p, String source) {
        for (String key : p.stringPropertyNames()) {
            if (!defaults().containsKey(key)) {
                throw new StoaException(
                        FailureCode.BAD_CONFIG,
                        source + ": '" + key + "' is not a key of a vcgpt variant; use "
                                + defaults().keySet());
            }
        }
        int width = whole(p, source, "width", 1);
        int heads = whole(p, source, "heads", 1);
        if (width % heads != 0) {
            throw new StoaException(
                    FailureCode.BAD_CONFIG, source + ": 'heads' is " + heads + "; use a divisor of width " + width);
        }
        int captionLength = whole(p, source, "caption_length", 3);
        int maxTokens = whole(p, source, "max_tokens", 1);
        if (maxTokens > captionLength - 1) {
            throw new StoaException(
                    FailureCode.BAD_CONFIG,
                    source + ": 'max_tokens' is " + maxTokens + "; use at most caption_length - 1 = "
                            + (captionLength - 1));
        }
        SelfEnsembling logits;
        try {
            logits = SelfEnsembling.of(string(p, "logits"));
        } catch (IllegalArgumentException e) {
            throw new StoaException(FailureCode.BAD_CONFIG, source + ": 'logits': " + e.getMessage());
        }
        float mlpRatio;
        try {
            mlpRatio = Float.parseFloat(string(p, "mlp_ratio"));
        } catch (NumberFormatException e) {
            mlpRatio = -1;
        }
        if (!(mlpRatio > 0)) {
            throw new StoaException(
                    FailureCode.BAD_CONFIG,
                    source + ": 'mlp_ratio' is '" + string(p, "mlp_ratio") + "'; use a positive number");
        }
        String clip = string(p, "clip_model");
        String lm = string(p, "lm_model");
        for (String[] id : new String[][] {{"clip_model", clip}, {"lm_model", lm}}) {
            if (!id[1].matches("[a-z0-9][a-z0-9._-]*")) {
                throw new StoaException(
                        FailureCode.BAD_CONFIG,
                        source + ": '" + id[0] + "' is '" + id[1] + "'; use a model store id such as "
                                + defaults().get(id[0]));
            }
        }
        return new VcGptConfig(
                name,
                clip,
                lm,
                whole(p, source, "lm_version", 0),
                width,
                whole(p, source, "layers", 1),
                heads,
                mlpRatio,
                logits,
                captionLength,
                maxTokens);
    }

    /**
     * @param overrides a training file's {@code model} options (but {@code variant} and {@code model_id})
     * @param source their place, for messages
     * @return this variant with them laid over it
     */
    VcGptConfig with(Map<String, ?> overrides, String source) {
        Properties p = toProperties();
        overrides.forEach((k, v) -> p.setProperty(k, String.valueOf(v)));
        return read(name, p, source);
    }

    /**
     * @param version the language model's version in the store
     * @return this variant, recording it
     */
    VcGptConfig withLmVersion(int version) {
        return new VcGptConfig(
                name, clipModel, lmModel, version, width, layers, heads, mlpRatio, logits, captionLength, maxTokens);
    }

    /** @return the keys of a variant file, which {@link #read} reads back */
    Properties toProperties() {
        Properties p = new Properties();
        p.setProperty("clip_model", clipModel);
        p.setProperty("lm_model", lmModel);
        p.setProperty("lm_version", Integer.toString(lmVersion));
        p.setProperty("width", Integer.toString(width));
        p.setProperty("layers", Integer.toString(layers));
        p.setProperty("heads", Integer.toString(heads));
        p.setProperty("mlp_ratio", Float.toString(mlpRatio));
        p.setProperty("logits", logits.word());
        p.setProperty("caption_length", Integer.toString(captionLength));
        p.setProperty("max_tokens", Integer.toString(maxTokens));
        return p;
    }

    private static String string(Properties p, String key) {
        return p.getProperty(key, String.valueOf(defaults().get(key))).trim();
    }

    private static int whole(Properties p, String source, String key, int min) {
        String value = string(p, key);
        try {
            int n = Integer.parseInt(value);
            if (n >= min) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new StoaException(
                FailureCode.BAD_CONFIG,
                source + ": '" + key + "' is '" + value + "'; use a whole number of at least " + min);
    }
}
