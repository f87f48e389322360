package dev.stoa.api.metrics;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

/** Builds a response in the Prometheus text exposition format (version 0.0.4). */
public final class PrometheusText {

    private final StringBuilder out = new StringBuilder();
    private final Set<String> described = new HashSet<>();

    /**
     * Writes the {@code # HELP} and {@code # TYPE} lines of a metric, once.
     *
     * @param name the metric's name
     * @param type {@code counter}, {@code gauge} or {@code histogram}
     * @param help one line saying what it measures
     * @return this
     */
    public PrometheusText describe(String name, String type, String help) {
        if (described.add(name)) {
            out.append("# HELP ")
                    .append(name)
                    .append(' ')
                    .append(help.replace("\n", " "))
                    .append('\n');
            out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
        }
        return this;
    }

    /**
     * Writes one sample.
     *
     * @param name the sample's name
     * @param value its value
     * @param labels label names and values, alternating
     * @return this
     */
    public PrometheusText sample(String name, double value, String... labels) {
        out.append(name);
        if (labels.length > 0) {
            out.append('{');
            for (int i = 0; i + 1 < labels.length; i += 2) {
                if (i > 0) {
                    out.append(',');
                }
                out.append(labels[i])
                        .append("=\"")
                        .append(escape(labels[i + 1]))
                        .append('"');
            }
            out.append('}');
        }
        out.append(' ');
        if (value == Math.rint(value) && !Double.isInfinite(value) && Math.abs(value) < 1e15) {
            out.append((long) value);
        } else {
            out.append(value);
        }
        out.append('\n');
        return this;
    }

    /** @return the text written so far */
    @Override
    public String toString() {
        return out.toString();
    }

    static String[] with(String[] labels, String name, String value) {
        String[] all = Arrays.copyOf(labels, labels.length + 2);
        all[labels.length] = name;
        all[labels.length + 1] = value;
        return all;
    }

    private static String escape(String v) {
        return v == null ? "" : v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
