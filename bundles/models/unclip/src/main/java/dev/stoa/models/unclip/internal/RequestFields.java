package dev.stoa.models.unclip.internal;

import java.util.Map;

/**
 * The fields unCLIP's services share, with GLIDE's bounds, read by the platform's
 * {@link dev.stoa.api.service.RequestFields} (a wrong value is {@code BAD_INPUT} naming the field and what to send); the
 * drawn images are encoded by {@link dev.stoa.nn.image.ImagePixels#pngs}.
 */
final class RequestFields {

    static final int MAX_N = 16;
    static final int MAX_STEPS = 250;
    static final double MAX_GUIDANCE = 20;
    static final int MAX_SIZE = 512;
    static final int DEFAULT_N = 4;
    static final int DEFAULT_STEPS = 25;
    static final double DEFAULT_GUIDANCE = 3;
    static final double DEFAULT_PRIOR_GUIDANCE = 1;

    private RequestFields() {}

    static long integer(Map<String, Object> request, String field, long fallback, long min, long max) {
        return dev.stoa.api.service.RequestFields.integer(request, field, fallback, min, max);
    }

    static double number(Map<String, Object> request, String field, double fallback, double min, double max) {
        return dev.stoa.api.service.RequestFields.number(request, field, fallback, min, max);
    }
}
