package dev.stoa.onnxruntime.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * One served model folder: a factory configuration, one file per model,
 * {@code etc/dev.stoa.onnxruntime.model-<name>.cfg}.
 */
@ObjectClassDefinition(
        name = "Stoa ONNX model folder",
        description = "Serves a model folder (an .onnx file + stoa-model.json) at stoa.model.<id>")
@interface ModelConfig {

    /** The factory PID: the part of the file name before the first '-'. */
    String FACTORY_PID = "dev.stoa.onnxruntime.model";

    @AttributeDefinition(
            description = "The model folder; a relative path is resolved against the installation"
                    + " (stoa.home), e.g. models/ppocr-orientation")
    String folder();

    @AttributeDefinition(
            description = "The service's name on the bus (stoa.model.<id>) and in pipelines; empty: the"
                    + " descriptor's name, else the folder's name")
    String stoa_id() default "";

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
