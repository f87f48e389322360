package dev.stoa.models.dalle.internal;

import dev.stoa.api.StoaException;
import java.util.Map;

/** A JSON request's fields, each checked: a bad one is BAD_INPUT naming it and what it must be. */
final class RequestFields {

    private final Map<String, Object> request;

    RequestFields(Map<String, Object> request) {
        this.request = request;
    }

    boolean has(String field) {
        return request.get(field) != null;
    }

    long whole(String field, long absent, long min, long max) {
        Object v = request.get(field);
        if (v == null) {
            return absent;
        }
        if (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
            long l = n.longValue();
            if (l >= min && l <= max) {
                return l;
            }
        }
        throw StoaException.badInput(field, "is " + v + "; send a whole number from " + min + " to " + max);
    }

    double number(String field, double absent, double min, double max) {
        Object v = request.get(field);
        if (v == null) {
            return absent;
        }
        if (v instanceof Number n && n.doubleValue() >= min && n.doubleValue() <= max) {
            return n.doubleValue();
        }
        throw StoaException.badInput(field, "is " + v + "; send a number from " + min + " to " + max);
    }

    boolean flag(String field, boolean absent) {
        Object v = request.get(field);
        if (v == null) {
            return absent;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        throw StoaException.badInput(field, "is " + v + "; send true or false");
    }

    String text(String field, String absent) {
        Object v = request.get(field);
        if (v == null) {
            return absent;
        }
        if (v instanceof String s && !s.isBlank()) {
            return s;
        }
        throw StoaException.badInput(field, "must be a non-empty string");
    }

    Object raw(String field) {
        return request.get(field);
    }
}
