package dev.stoa.protocol.openai.internal;

import dev.stoa.api.generation.Generation;
import dev.stoa.vertx.Payloads;
import io.vertx.core.json.JsonObject;

/**
 * One answer of a completion, from a generator's {@link Generation} or a pipeline's JSON.
 *
 * @param text the answer's text
 * @param tokens the tokens the model produced for it, 0 when the service does not say
 * @param finishReason {@code stop} or {@code length}
 */
record Answer(String text, int tokens, String finishReason) {

    /**
     * @param reply a generator's reply: the record in this JVM, its JSON from another node
     * @return the answer
     */
    static Answer ofGeneration(Object reply) {
        Generation g = reply instanceof Generation r ? r : Payloads.fromJson((JsonObject) reply, Generation.class);
        return new Answer(g.text(), g.tokenCount(), g.finishReason().jsonName());
    }

    /**
     * @param reply a pipeline's reply (its output stage's JSON)
     * @param outputField the field that holds the answer's text
     * @return the answer: that field when it is a string, else the whole reply as JSON text; the token count and
     *     finish reason when the output stage is a generator's
     */
    static Answer ofPipeline(Object reply, String outputField) {
        JsonObject o = reply instanceof JsonObject j ? j : Payloads.toJson(reply);
        Object text = o.getValue(outputField);
        Object tokens = o.getValue("tokens");
        Object finish = o.getValue("finish_reason");
        return new Answer(
                text instanceof String s ? s : o.encode(),
                tokens instanceof Number n ? n.intValue() : 0,
                "length".equals(finish) ? "length" : "stop");
    }
}
