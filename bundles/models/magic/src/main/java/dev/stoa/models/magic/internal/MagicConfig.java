package dev.stoa.models.magic.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * One MAGiC captioner: a factory configuration, one file per captioner, {@code etc/dev.stoa.magic-<name>.cfg}, naming
 * the language model and the CLIP it pairs, as a Triton ensemble or an open_clip user pairs a model and a scorer by
 * name in a config file.
 */
@ObjectClassDefinition(
        name = "Stoa MAGiC captioner",
        description = "Captions images with a language model trained on text alone, decoded by contrastive search"
                + " steered by a CLIP of the platform (Su et al. 2022): a Captioner {image} -> {text}")
@interface MagicConfig {

    /** The factory PID: the part of the file name before the first '-'. */
    String FACTORY_PID = "dev.stoa.magic";

    @AttributeDefinition(description = "stoa.id of the captioner; empty: magic-<lm>-caption")
    String id() default "";

    @AttributeDefinition(
            description = "the language model: a model id of the store (data/models/<lm>/<n>/) holding gpt.params and"
                    + " decoder.properties, as the gpt-captions factory publishes them; its newest version is used")
    String lm();

    @AttributeDefinition(
            description = "the CLIP: a model id whose services <clip>-image (Image -> Embedding) and <clip>-text"
                    + " (TextEncoder) run on the bus, e.g. clip-tiny-scenes")
    String clip();

    @AttributeDefinition(description = "candidates per step: the k most likely next tokens; 1: greedy decoding")
    int k() default 8;

    @AttributeDefinition(description = "alpha in [0, 1], the weight of the degeneration penalty")
    double alpha() default 0.1;

    @AttributeDefinition(description = "beta >= 0, the weight of the CLIP (magic) score; 0: contrastive search")
    double beta() default 0.5;

    @AttributeDefinition(
            description =
                    "CLIP's logit scale: the magic score is softmax(scale * cos(image, text)) over the" + " candidates")
    double clipScale() default 100.0;

    @AttributeDefinition(
            description = "the most tokens of each candidate's continuation CLIP reads: the language model's greedy"
                    + " completion of the word the candidate starts or continues; 0: the candidate alone")
    int lookahead() default 8;

    @AttributeDefinition(
            description = "a floor on the language model's probability of a candidate: of the k most likely tokens,"
                    + " only those at least this likely are scored (the most likely always is); 0: all k")
    double minProbability() default 0.02;

    @AttributeDefinition(description = "the most tokens of a caption")
    int maxTokens() default 48;

    @AttributeDefinition(
            description = "text the caption starts with (a language model without a prompt slot), or the text"
                    + " prompt before the start token (one pretrained with prompt_length > 0); empty: none")
    String prompt() default "";
}
