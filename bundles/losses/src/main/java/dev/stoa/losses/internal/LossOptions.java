package dev.stoa.losses.internal;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import java.util.Map;

/** Reads a loss's options from a training file's map, with the factory's defaults and messages that name the fix. */
final class LossOptions {

    static final String TEMPERATURE = "temperature";
    static final String LEARN_TEMPERATURE = "learn_temperature";
    static final String LABEL_SMOOTHING = "label_smoothing";

    private final String lossId;
    private final Map<String, Object> defaults;
    private final Map<String, ?> given;

    /**
     * @param lossId the loss's {@code stoa.id}, for messages
     * @param defaults every accepted option with its default
     * @param given the options from the training file
     * @throws StoaException BAD_CONFIG if an option is not one of the defaults' keys
     */
    LossOptions(String lossId, Map<String, Object> defaults, Map<String, ?> given) {
        this.lossId = lossId;
        this.defaults = defaults;
        this.given = given;
        for (String key : given.keySet()) {
            if (!defaults.containsKey(key)) {
                throw new StoaException(
                        FailureCode.BAD_CONFIG,
                        "loss '" + lossId + "' has no option '" + key + "'; use one of " + defaults.keySet());
            }
        }
    }

    float number(String key) {
        Object value = given.containsKey(key) ? given.get(key) : defaults.get(key);
        if (value instanceof Number n) {
            return n.floatValue();
        }
        try {
            return Float.parseFloat(String.valueOf(value).trim());
        } catch (NumberFormatException e) {
            throw bad(key, value, "a number");
        }
    }

    boolean flag(String key) {
        Object value = given.containsKey(key) ? given.get(key) : defaults.get(key);
        if (value instanceof Boolean b) {
            return b;
        }
        String s = String.valueOf(value).trim();
        if (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(s);
        }
        throw bad(key, value, "true or false");
    }

    StoaException bad(String key, Object value, String expected) {
        return new StoaException(
                FailureCode.BAD_CONFIG,
                "loss '" + lossId + "' option '" + key + "' is '" + value + "'; use " + expected);
    }

    /** The temperature and whether it learns, shared by every contrastive loss. */
    ContrastiveLoss.Builder contrastive() {
        float temperature = number(TEMPERATURE);
        if (!(temperature > 0)) {
            throw bad(TEMPERATURE, temperature, "a temperature above 0, e.g. 0.07 (CLIP's initial value)");
        }
        return ContrastiveLoss.builder()
                .optInitialTemperature(temperature)
                .optLearnTemperature(flag(LEARN_TEMPERATURE));
    }
}
