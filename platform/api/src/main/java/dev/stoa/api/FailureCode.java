package dev.stoa.api;

/**
 * Every way a Stoa call can fail, with a stable numeric code (used by {@code message.fail(code, text)} on the
 * event bus) and the HTTP status the gateway answers with. Callers branch on the code and show the text, which
 * names the field at fault and the fix.
 */
public enum FailureCode {
    /** The input is malformed or out of range: the message names the field. */
    BAD_INPUT(400, 400, "fix the named field of the request"),
    /** A config file or service property is invalid: the message names the file or property. */
    BAD_CONFIG(401, 400, "fix the named config entry; the previous valid config keeps serving"),
    /** Tensor shapes or sizes do not fit together. */
    SHAPE_MISMATCH(402, 400, "check the input's dimensions against the service's documented shapes"),
    /** The input is larger than the platform accepts. */
    TOO_LARGE(413, 413, "send a smaller input or raise the named limit in etc/"),
    /** The request body's media type is not one the route reads (a JSON body without Content-Type: application/json). */
    UNSUPPORTED_MEDIA_TYPE(
            415,
            415,
            "send the body with 'Content-Type: application/json' (curl: -H 'Content-Type: application/json')"),
    /** The caller is not authenticated. */
    UNAUTHORIZED(411, 401, "send 'Authorization: Bearer <key>' with an API key (bin/stoa key add)"),
    /** The caller may not do this. */
    FORBIDDEN(412, 403, "use a key whose scopes allow this operation (call, write, admin)"),
    /** No service has the requested id or address. */
    UNKNOWN_SERVICE(404, 404, "check the id against GET /v1/services"),
    /** The service was removed (its bundle uninstalled) and no replacement appeared in time. */
    SERVICE_GONE(410, 410, "install a bundle that provides the service again, or call another id"),
    /** The service is known but not available now (starting, or being replaced for longer than the wait bound). */
    UNAVAILABLE(503, 503, "retry later; GET /health/ready says when the platform is ready"),
    /**
     * The service's model has no trained weights yet: it would answer noise. The message names the training file
     * that makes it, or the run that is training it now.
     */
    UNTRAINED(506, 503, "train the model (bin/stoa train etc/train/<file>.yaml) or wait for its run; GET /v1/models"),
    /**
     * Too many calls are in flight or queued for the service: refused at once, without running. The gateway adds
     * {@code Retry-After}.
     */
    OVERLOADED(429, 429, "retry with backoff, or raise the service's bound (maxInFlight, a queue size) in etc/"),
    /**
     * The caller gave up on the call: it disconnected (HTTP, server-sent events, the TCP bridge) or its deadline
     * passed, so the call was not started or was stopped (a generator within one token). HTTP 499, as nginx logs a
     * client that closed its request; nobody usually reads it, except a pipeline or a caller that cancelled on purpose.
     */
    CANCELLED(
            499,
            499,
            "nothing to fix if the client went away on purpose; otherwise keep the connection open until"
                    + " the answer comes"),
    /** The call did not complete within its timeout. */
    TIMEOUT(504, 504, "retry, or raise the named timeout in etc/"),
    /** The service itself failed: a bug or an engine error. The message says where. */
    INTERNAL(500, 500, "see data/log/stoa.log for the stack trace and report it");

    private final int code;
    private final int httpStatus;
    private final String fix;

    FailureCode(int code, int httpStatus, String fix) {
        this.code = code;
        this.httpStatus = httpStatus;
        this.fix = fix;
    }

    /** @return the stable numeric code used on the event bus */
    public int code() {
        return code;
    }

    /** @return the HTTP status the gateway answers with */
    public int httpStatus() {
        return httpStatus;
    }

    /** @return a short, general hint at the fix; specific messages say more */
    public String fix() {
        return fix;
    }

    /**
     * Finds the failure code for a numeric event-bus code.
     *
     * @param code a code from {@link #code()}
     * @return the failure code, or {@link #INTERNAL} for codes Stoa does not define
     */
    public static FailureCode of(int code) {
        for (FailureCode c : values()) {
            if (c.code == code) {
                return c;
            }
        }
        return INTERNAL;
    }
}
