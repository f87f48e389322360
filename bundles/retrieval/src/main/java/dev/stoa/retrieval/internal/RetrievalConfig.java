package dev.stoa.retrieval.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * One retrieval collection: a factory configuration, one file per collection,
 * {@code etc/dev.stoa.retrieval-<name>.cfg}.
 */
@ObjectClassDefinition(
        name = "Stoa retrieval collection",
        description = "Indexes texts, images or the text OCR reads in images into a vector collection, and answers"
                + " text queries: services <collection>.index and <collection>.search")
@interface RetrievalConfig {

    /** The factory PID: the part of the file name before the first '-'. */
    String FACTORY_PID = "dev.stoa.retrieval";

    @AttributeDefinition(
            description = "The vector collection (data/vectors/<collection>/) and the prefix of the"
                    + " services' ids: <collection>.index and <collection>.search")
    String collection();

    @AttributeDefinition(
            description = "stoa.id of the encoder that embeds texts and queries (Text -> Embedding),"
                    + " e.g. all-minilm-l6-v2, or clip-tiny-text for image retrieval")
    String textEncoder();

    @AttributeDefinition(
            description = "stoa.id of the encoder that embeds images (Image -> Embedding) into the same"
                    + " space as textEncoder, e.g. clip-tiny-image; empty: images are not embedded")
    String imageEncoder() default "";

    @AttributeDefinition(
            description = "stoa.id of the OCR service (Image -> RecognizedText) whose lines are indexed"
                    + " when an image is sent and no imageEncoder is set, e.g. ocr-paddle; empty: no OCR")
    String recognizer() default "";

    @AttributeDefinition(
            description =
                    "The encoders' dimension, to open the collection at start (so its"
                            + " vectors.<collection>.* services exist before the first document); 0: open it on the first document")
    int dimension() default 0;

    @AttributeDefinition(description = "cosine or dot_product")
    String metric() default "cosine";

    @AttributeDefinition(description = "Hits a search returns when the request names no k")
    int k() default 10;

    @AttributeDefinition(description = "Longest wait for an encoder or the OCR service, in ms")
    long timeoutMs() default 30_000;
}
