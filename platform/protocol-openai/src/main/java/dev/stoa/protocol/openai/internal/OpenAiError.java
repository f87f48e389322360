package dev.stoa.protocol.openai.internal;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import dev.stoa.vertx.BusFailures;
import io.vertx.core.json.JsonObject;
import java.util.Locale;

/**
 * A failure as OpenAI's clients read it: the HTTP status and {@code {"error": {"message", "type", "param",
 * "code"}}}. {@code type} follows the status as OpenAI's API does ({@code invalid_request_error} for 400, 404 and 413,
 * {@code authentication_error} 401, {@code permission_error} 403, {@code rate_limit_error} 429, {@code server_error}
 * for 5xx); {@code code} is Stoa's {@link FailureCode} in lower case ({@code bad_input}, {@code untrained}, ...) or
 * a more precise one ({@code model_not_found}, {@code unsupported_parameter}); {@code param} names the request field
 * at fault, when one is.
 */
final class OpenAiError extends RuntimeException {

    private final int status;
    private final String param;
    private final String code;

    OpenAiError(int status, String code, String param, String message) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.param = param;
    }

    /** A bad request field: 400, {@code invalid_request_error}, code {@code bad_input}. */
    static OpenAiError badParam(String param, String message) {
        return new OpenAiError(400, "bad_input", param, message);
    }

    /** A parameter this model cannot honour: 400, code {@code unsupported_parameter}. */
    static OpenAiError unsupported(String param, String message) {
        return new OpenAiError(400, "unsupported_parameter", param, message);
    }

    /**
     * A failed bus call, read through the platform's failure table, so a code means here what it means at every
     * other door.
     *
     * @param failure why the call failed
     * @param id the service or pipeline called
     */
    static OpenAiError ofFailure(Throwable failure, String id) {
        if (failure instanceof OpenAiError e) {
            return e;
        }
        StoaException s = BusFailures.toStoaException(failure, id);
        return of(s.code(), s.getMessage(), fieldOf(s));
    }

    /** A failure with Stoa's code. */
    static OpenAiError of(FailureCode code, String message, String param) {
        return new OpenAiError(code.httpStatus(), code.name().toLowerCase(Locale.ROOT), param, message);
    }

    int status() {
        return status;
    }

    String param() {
        return param;
    }

    String code() {
        return code;
    }

    /** @return OpenAI's {@code type} for the status */
    String type() {
        return switch (status) {
            case 401 -> "authentication_error";
            case 403 -> "permission_error";
            case 429 -> "rate_limit_error";
            default -> status >= 500 ? "server_error" : "invalid_request_error";
        };
    }

    /** @return {@code {"error": {"message", "type", "param", "code"}}} */
    JsonObject toJson() {
        return new JsonObject()
                .put(
                        "error",
                        new JsonObject()
                                .put("message", getMessage())
                                .put("type", type())
                                .put("param", param)
                                .put("code", code));
    }

    /**
     * Stoa's messages start with the field in quotes ({@code 'max_tokens' is 0; ...}, see
     * {@link StoaException#badInput}): that field is OpenAI's {@code param} for a bad input.
     */
    private static String fieldOf(StoaException s) {
        String m = s.getMessage();
        if (s.code() != FailureCode.BAD_INPUT || m == null || !m.startsWith("'")) {
            return null;
        }
        int end = m.indexOf('\'', 1);
        return end > 1 ? m.substring(1, end) : null;
    }
}
