package dev.stoa.llm.openai.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * One remote model: a factory configuration, one file per model, {@code etc/dev.stoa.llm.openai-<name>.cfg}.
 */
@ObjectClassDefinition(
        name = "Stoa remote LLM (OpenAI-compatible)",
        description = "Serves a model of an OpenAI-compatible server as a TextGenerator at stoa.model.<stoa.id>")
@interface OpenAiConfig {

    /** The factory PID: the part of the file name before the first '-'. */
    String FACTORY_PID = "dev.stoa.llm.openai";

    @AttributeDefinition(description = "The service's name on the bus (stoa.model.<id>) and in pipelines")
    String stoa_id();

    @AttributeDefinition(
            description = "The API root, with its version, e.g. http://localhost:8000/v1;"
                    + " /chat/completions or /completions is appended")
    String baseUrl();

    @AttributeDefinition(description = "The model name the server knows, sent as \"model\"")
    String model();

    @AttributeDefinition(
            description = "chat (POST /chat/completions, the prompt as the user message) or"
                    + " completion (POST /completions, the prompt as is)")
    String mode() default "chat";

    @AttributeDefinition(
            description = "Name of an environment variable holding the API key, sent as"
                    + " 'Authorization: Bearer <key>'; empty for servers without keys")
    String apiKeyEnv() default "";

    /** Maps to the property {@code .apiKey}: a leading dot keeps it out of the service's public properties. */
    @AttributeDefinition(
            description = "The API key itself (property .apiKey, which is not published with the"
                    + " service); apiKeyEnv wins when both are set")
    String _apiKey() default "";

    @AttributeDefinition(description = "A system message put before the prompt in chat mode; empty for none")
    String systemPrompt() default "";

    @AttributeDefinition(
            description = "Milliseconds to wait for the server's answer (for the head of a streamed"
                    + " answer), per attempt")
    long timeoutMs() default 60_000;

    @AttributeDefinition(description = "Further attempts after a timeout, a refused connection, HTTP 429 or 5xx")
    int retries() default 2;

    @AttributeDefinition(description = "Milliseconds before the first retry; doubled for each further one")
    long backoffMs() default 500;
}
