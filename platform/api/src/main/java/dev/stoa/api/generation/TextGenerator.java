package dev.stoa.api.generation;

import dev.stoa.api.PieceSink;
import dev.stoa.api.StoaService;
import dev.stoa.api.StreamingService;

/**
 * Continues a prompt: a language model served by the platform or a remote one. Register with
 * {@code stoa.kind=model} under this interface and {@link StoaService}. A generator is a {@link StreamingService}
 * whose pieces are the text as it is produced ({@link #generate(GenerationRequest, TokenListener)}), so a caller that
 * asks for them (the gateway's server-sent events) gets each as {@code {"index": i, "text": "..."}}.
 *
 * <p>JSON (see {@code dev.stoa.vertx.Payloads}): in {@code {"prompt": "...", "max_tokens": 32, "temperature": 0,
 * "top_k": 0, "top_p": 1, "beam_size": 1, "stop": ["\n"], "seed": 7}} ({@code text} is accepted for
 * {@code prompt}; everything but the prompt is optional); out {@code {"text": "...", "tokens": n,
 * "finish_reason": "stop"|"length", "model": "...", "trained": true}}.
 */
public interface TextGenerator extends StreamingService<GenerationRequest, Generation> {

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

    /** The pieces are the text's pieces, as {@link #generate} hands them to its listener. */
    @Override
    default Generation stream(GenerationRequest input, PieceSink sink) {
        return generate(input, sink::accept);
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
