package dev.stoa.vqa.internal;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How often each stage of the Socratic pipeline gets each thing it reports wrong, e.g. {@code tags: {shape: 0.3}}:
 * CLIP's zero-shot label names the wrong shape in 30% of scenes. The answering model's corpus writes descriptions with
 * errors drawn at these rates ({@link SceneWriter}), so when two stages disagree the model has learnt which one to
 * believe for that question; trained on error-free descriptions it would pick between them arbitrarily. The rates are
 * measured, not guessed: {@code bin/stoa eval-vqa} reports each stage's accuracy per question type.
 *
 * <p>Stages and what they report: {@code tags} (colour, shape), {@code count} (count), {@code caption} (colour,
 * shape, count, text) and {@code ocr} (text); {@code caption} and {@code ocr} also take {@code missing}, the share of
 * descriptions written as if the stage were left out (an optional stage not installed); {@code ocr} also takes
 * {@code junk}, the share of descriptions where OCR reads a line of symbols off the shapes beside the word or alone
 * ({@code "+, STOP"}: ocr-paddle reads a cross as "+"), which the model must not answer with.
 *
 * @param rates stage to attribute to probability, 0 to 1
 */
record StageErrors(Map<String, Map<String, Double>> rates) {

    /** What each stage reports, in description order. */
    static final Map<String, List<String>> STAGES = Map.of(
            "tags", List.of("colour", "shape"),
            "count", List.of("count"),
            "caption", List.of("colour", "shape", "count", "text", "missing"),
            "ocr", List.of("text", "missing", "junk"));

    /** No errors: every stage right, as the evaluation of the answering model alone assumes. */
    static final StageErrors NONE = new StageErrors(Map.of());

    /**
     * @param value the {@code stage_errors} option: a map of stage to a map of attribute to rate, or null
     * @return the rates
     * @throws StoaException {@code BAD_CONFIG} naming the stage, attribute or rate that is wrong, and the fix
     */
    static StageErrors parse(Object value) {
        if (value == null || value instanceof Map<?, ?> m && m.isEmpty()) {
            return NONE;
        }
        if (!(value instanceof Map<?, ?> stages)) {
            throw bad(
                    "stage_errors",
                    "is '" + value + "'; write a map of stage to rates, e.g."
                            + " {tags: {shape: 0.3}, count: {count: 0.3}}");
        }
        Map<String, Map<String, Double>> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> s : stages.entrySet()) {
            String stage = String.valueOf(s.getKey());
            List<String> attributes = STAGES.get(stage);
            if (attributes == null) {
                throw bad("stage_errors." + stage, "is not a stage; use " + STAGES.keySet());
            }
            if (!(s.getValue() instanceof Map<?, ?> given)) {
                throw bad(
                        "stage_errors." + stage,
                        "is '" + s.getValue() + "'; write a map of attribute to rate, e.g. {" + attributes.get(0)
                                + ": 0.1}");
            }
            Map<String, Double> r = new LinkedHashMap<>();
            for (Map.Entry<?, ?> a : given.entrySet()) {
                String attribute = String.valueOf(a.getKey());
                String field = "stage_errors." + stage + "." + attribute;
                if (!attributes.contains(attribute)) {
                    throw bad(field, "is not something stage '" + stage + "' reports; use " + attributes);
                }
                double rate;
                try {
                    rate = Double.parseDouble(String.valueOf(a.getValue()).trim());
                } catch (NumberFormatException e) {
                    rate = Double.NaN;
                }
                if (!(rate >= 0 && rate <= 1)) {
                    throw bad(field, "is '" + a.getValue() + "'; write a rate from 0 to 1");
                }
                r.put(attribute, rate);
            }
            out.put(stage, Map.copyOf(r));
        }
        return new StageErrors(Map.copyOf(out));
    }

    /** @return the rate at which {@code stage} gets {@code attribute} wrong; 0 when not given */
    double rate(String stage, String attribute) {
        Map<String, Double> r = rates.get(stage);
        return r == null ? 0 : r.getOrDefault(attribute, 0.0);
    }

    private static StoaException bad(String field, String why) {
        return new StoaException(FailureCode.BAD_CONFIG, "model 'scene-qa': " + field + " " + why);
    }
}
