package dev.stoa.repository.internal;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;

/**
 * Why a version could not be opened, and when: it is tried again after the configured wait.
 *
 * @param code the failure code the provider gave ({@code INTERNAL} for an exception of its own)
 * @param reason the message, naming what is missing and the fix
 * @param atMillis when it failed
 */
record Failure(FailureCode code, String reason, long atMillis) {

    static Failure of(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && !(cause instanceof StoaException)) {
            cause = cause.getCause();
        }
        if (cause instanceof StoaException s) {
            return new Failure(s.code(), s.getMessage(), System.currentTimeMillis());
        }
        return new Failure(FailureCode.INTERNAL, String.valueOf(e), System.currentTimeMillis());
    }

    StoaException toException(String modelId, int version) {
        return new StoaException(code, modelId + " version " + version + " could not be opened: " + reason);
    }
}
