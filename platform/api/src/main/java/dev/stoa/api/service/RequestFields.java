package dev.stoa.api.service;

import dev.stoa.api.StoaException;
import java.util.Map;

/**
 * Optional numeric fields of a service's request (a JSON object as a map), read the same way by every service: absent
 * gives the default; a value that is not a number of the right kind, or outside its bounds, is {@code BAD_INPUT}
 * naming the field, the bounds and what was sent (for example {@code 'steps' must be from 1 to 250, got 900}).
 */
public final class RequestFields {

    private RequestFields() {}

    /**
     * @param request the request
     * @param field its name
     * @param fallback the value when the field is absent
     * @param min the least allowed
     * @param max the most allowed
     * @return the whole number sent, or the fallback
     * @throws StoaException BAD_INPUT when it is not a whole number from min to max (2.0 is whole, 2.5 is not)
     */
    public static long integer(Map<String, ?> request, String field, long fallback, long min, long max) {
        Object v = request.get(field);
        if (v == null) {
            return fallback;
        }
        if (!(v instanceof Number number)
                || number.doubleValue() != Math.rint(number.doubleValue())
                || Double.isInfinite(number.doubleValue())) {
            throw StoaException.badInput(field, "must be a whole number" + range(min, max) + ", got " + v);
        }
        long value = number.longValue();
        if (value < min || value > max) {
            throw StoaException.badInput(field, "must be" + range(min, max) + ", got " + v);
        }
        return value;
    }

    /**
     * @param request the request
     * @param field its name
     * @param fallback the value when the field is absent
     * @param min the least allowed
     * @param max the most allowed
     * @return the number sent, or the fallback
     * @throws StoaException BAD_INPUT when it is not a finite number from min to max
     */
    public static double number(Map<String, ?> request, String field, double fallback, double min, double max) {
        Object v = request.get(field);
        if (v == null) {
            return fallback;
        }
        if (!(v instanceof Number number) || !Double.isFinite(number.doubleValue())) {
            throw StoaException.badInput(field, "must be a number from " + min + " to " + max + ", got " + v);
        }
        double value = number.doubleValue();
        if (value < min || value > max) {
            throw StoaException.badInput(field, "must be from " + min + " to " + max + ", got " + v);
        }
        return value;
    }

    private static String range(long min, long max) {
        return min == Long.MIN_VALUE ? "" : " from " + min + " to " + max;
    }
}
