package dev.stoa.api.generation;

import dev.stoa.api.StoaService;

/**
 * Continues a prompt: a language model served by the platform or a remote one. Register with
 * {@code stoa.kind=model} under this interface and {@link StoaService}. The bus streams a call's pieces of text to a
 * caller that asks for them (the gateway's server-sent events), through {@link #generate(GenerationRequest,
 * TokenListener)}.
 *
 * <p>JSON (see {@code dev.stoa.vertx.Payloads}): in {@code {"prompt": "...", "max_tokens": 32, "temperature": 0,
 * "top_k": 0, "top_p": 1, "beam_size": 1, "stop": ["\n"], "seed": 7}} ({@code text} is accepted for
 * {@code prompt}; everything but the prompt is optional); out {@code {"text": "...", "tokens": n,
 * "finish_reason": "stop"|"length", "model": "...", "trained": true}}.
 */
public interface TextGenerator extends StoaService<GenerationRequest, Generation> {

    /**
     * The event-bus header of a call that asks for streaming: its value is an address to which the bus sends each
     * piece of text, in order, as {@code {"index": 0, "text": "..."}} while the generator runs; the call's reply
     * (the whole {@link Generation}) comes after the last piece.
     */
    String STREAM_HEADER = "stoa.stream";

    /**
     * Generates, handing each piece of text to {@code listener} as soon as it is final.
     *
     * @param request the prompt and options
     * @param listener receives the pieces in order, each once; they join to the result's text
     * @return the whole generation
     * @throws dev.stoa.api.StoaException {@code BAD_INPUT} for options the generator cannot honour (naming them),
     *     {@code TIMEOUT} or {@code UNAVAILABLE} for a remote server that does not answer
     */
    Generation generate(GenerationRequest request, TokenListener listener);

    @Override
    default Generation call(GenerationRequest input) {
        return generate(input, TokenListener.NONE);
    }

    @Override
    default Class<GenerationRequest> inputType() {
        return GenerationRequest.class;
    }

    @Override
    default Class<Generation> outputType() {
        return Generation.class;
    }
}
