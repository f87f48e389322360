package dev.stoa.llm.openai.internal;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import java.net.URI;
import java.time.Duration;
import java.util.function.UnaryOperator;

/**
 * A validated {@link OpenAiConfig}.
 *
 * @param id the service's {@code stoa.id}
 * @param url the endpoint, {@code <baseUrl>/chat/completions} or {@code <baseUrl>/completions}
 * @param model the server's model name
 * @param mode the chat or the completion endpoint
 * @param apiKey the bearer key, or empty
 * @param systemPrompt the chat system message, or empty
 * @param timeout per attempt
 * @param retries further attempts after a retryable failure
 * @param backoff before the first retry, doubled for each further one
 */
record EndpointSettings(
        String id,
        URI url,
        String model,
        ApiMode mode,
        String apiKey,
        String systemPrompt,
        Duration timeout,
        int retries,
        Duration backoff) {

    /**
     * @param id the service's {@code stoa.id}
     * @param config the configuration
     * @param environment reads an environment variable (System::getenv)
     * @return the settings
     * @throws StoaException {@code BAD_CONFIG} naming the setting and the fix
     */
    static EndpointSettings from(String id, OpenAiConfig config, UnaryOperator<String> environment) {
        String base = required("baseUrl", config.baseUrl(), "the API root, e.g. http://localhost:8000/v1");
        String model = required("model", config.model(), "the model name the server serves");
        ApiMode mode = ApiMode.parse(config.mode());
        URI url;
        try {
            url = URI.create(base.replaceAll("/+$", "") + mode.path());
        } catch (IllegalArgumentException e) {
            throw new StoaException(
                    FailureCode.BAD_CONFIG,
                    "'baseUrl' is '" + base + "', not a URL (" + e.getMessage()
                            + "); use e.g. http://localhost:8000/v1");
        }
        if (!"http".equals(url.getScheme()) && !"https".equals(url.getScheme()) || url.getHost() == null) {
            throw new StoaException(
                    FailureCode.BAD_CONFIG,
                    "'baseUrl' is '" + base + "'; use an http:// or https://"
                            + " URL with a host, e.g. http://localhost:8000/v1");
        }
        if (config.timeoutMs() < 1 || config.retries() < 0 || config.backoffMs() < 0) {
            throw new StoaException(
                    FailureCode.BAD_CONFIG,
                    "'timeoutMs' (" + config.timeoutMs() + "), 'retries' (" + config.retries() + ") and 'backoffMs' ("
                            + config.backoffMs() + ") must be at least 1, 0 and 0");
        }
        String key = config._apiKey() == null ? "" : config._apiKey().trim();
        String variable = config.apiKeyEnv() == null ? "" : config.apiKeyEnv().trim();
        if (!variable.isEmpty()) {
            String fromEnvironment = environment.apply(variable);
            if (fromEnvironment == null || fromEnvironment.isBlank()) {
                throw new StoaException(
                        FailureCode.BAD_CONFIG,
                        "'apiKeyEnv' names the environment variable " + variable
                                + ", which is not set; export it before starting Stoa, or remove apiKeyEnv");
            }
            key = fromEnvironment.trim();
        }
        return new EndpointSettings(
                id,
                url,
                model,
                mode,
                key,
                config.systemPrompt() == null ? "" : config.systemPrompt(),
                Duration.ofMillis(config.timeoutMs()),
                config.retries(),
                Duration.ofMillis(config.backoffMs()));
    }

    private static String required(String name, String value, String what) {
        if (value == null || value.isBlank()) {
            throw new StoaException(FailureCode.BAD_CONFIG, "'" + name + "' is missing; set it to " + what);
        }
        return value.trim();
    }
}
