package dev.stoa.protocol.openai.internal;

import java.util.List;

/**
 * A name the OpenAI-compatible API answers to, and what it calls: one {@code model.<name>} entry of
 * {@code etc/dev.stoa.openai.cfg}, or a service exposed under its own id ({@code exposeAll}).
 *
 * @param name the model name clients send ({@code "model": "..."})
 * @param pipeline whether the target is a pipeline ({@code pipeline:<name>}) rather than a service
 *     ({@code service:<id>})
 * @param target the service's {@code stoa.id} or the pipeline's name
 * @param textField the pipeline input field that receives the messages' text (default {@code question})
 * @param imageField the pipeline input field that receives a message's image, as base64 (default {@code image})
 * @param outputField the field of the pipeline's answer that becomes the reply's text (default {@code text})
 * @param dimensions the shorter vector lengths an embeddings model may be cut to ({@code dimensions}): only for
 *     Matryoshka-trained encoders, empty otherwise
 */
record ExposedModel(
        String name,
        boolean pipeline,
        String target,
        String textField,
        String imageField,
        String outputField,
        List<Integer> dimensions) {

    static final String DEFAULT_TEXT_FIELD = "question";
    static final String DEFAULT_IMAGE_FIELD = "image";
    static final String DEFAULT_OUTPUT_FIELD = "text";

    ExposedModel {
        dimensions = List.copyOf(dimensions);
    }

    /** A service exposed under its own id. */
    static ExposedModel service(String id) {
        return new ExposedModel(
                id, false, id, DEFAULT_TEXT_FIELD, DEFAULT_IMAGE_FIELD, DEFAULT_OUTPUT_FIELD, List.of());
    }

    /** @return {@code service:<id>} or {@code pipeline:<name>}, as the configuration writes it */
    String targetSpec() {
        return (pipeline ? "pipeline:" : "service:") + target;
    }
}
