package dev.stoa.onnxruntime.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * One served sentence encoder: a factory configuration, one file per model,
 * {@code etc/dev.stoa.onnxruntime.textencoder-<name>.cfg}.
 */
@ObjectClassDefinition(
        name = "Stoa ONNX sentence encoder",
        description = "Serves a model folder (model.onnx + tokenizer.json) as a TextEncoder at stoa.encoder.<stoa.id>")
@interface TextEncoderConfig {

    /** The factory PID: the part of the file name before the first '-'. */
    String FACTORY_PID = "dev.stoa.onnxruntime.textencoder";

    @AttributeDefinition(description = "The service's name on the bus (stoa.encoder.<id>) and in pipelines")
    String stoa_id();

    @AttributeDefinition(
            description = "The model folder; a relative path is resolved against the installation"
                    + " (stoa.home), e.g. models/all-minilm-l6-v2")
    String folder();

    @AttributeDefinition(description = "mean or cls; empty: the folder's stoa-encoder.json, else mean")
    String pooling() default "";

    @AttributeDefinition(description = "true or false: L2-normalise the embeddings; empty: the folder's, else true")
    String normalize() default "";

    @AttributeDefinition(
            description =
                    "Window in tokens, [CLS] and [SEP] included; longer texts are cut at the"
                            + " right. 0: the folder's, else the tokenizer's, else config.json's max_position_embeddings, else 512")
    int maxTokens() default 0;

    @AttributeDefinition(description = "Most texts in one forward pass; larger batches run in several")
    int maxBatch() default 32;

    @AttributeDefinition(description = "Longest text accepted, in characters; longer ones fail with TOO_LARGE")
    int maxChars() default 100_000;

    @AttributeDefinition(description = "ONNX Runtime threads within one operator; 0: one per core")
    int intraOpThreads() default 0;

    @AttributeDefinition(description = "ONNX Runtime threads running independent operators at once; 0: its default")
    int interOpThreads() default 0;

    @AttributeDefinition(description = "Graph optimisation level: all, extended, basic or none")
    String optimization() default "all";

    @AttributeDefinition(
            description = "Let idle ONNX Runtime threads spin-wait for work (lower latency on a machine"
                    + " of its own) instead of sleeping (kinder to everything else on a shared one)")
    boolean spinning() default false;
}
