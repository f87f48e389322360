package dev.stoa.pipeline.internal;

import dev.stoa.api.pipeline.Ref;
import dev.stoa.api.pipeline.Values;
import io.vertx.core.json.JsonArray;
import java.util.Collection;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A stage's {@code when:}: {@code $ref} (true when present, not false, not empty) or {@code $ref <op> <literal>}
 * with {@code == != > >= < <=}, a number, a quoted string, {@code true} or {@code false}. A stage whose condition is
 * false is skipped: its output is absent.
 *
 * @param ref what is tested
 * @param op the operator, or {@code null} for a truth test
 * @param literal what it is compared with
 */
record Condition(Ref ref, String op, Object literal) {

    private static final Pattern FORM = Pattern.compile(
            "\\s*\\$([A-Za-z0-9_.-]+)\\s*(?:(==|!=|>=|<=|>|<)\\s*(\"[^\"]*\"|'[^']*'|true|false|-?[0-9.]+(?:[eE]-?[0-9]+)?))?\\s*");

    /**
     * @return the condition, or {@code null} when the text does not have one of the accepted forms
     */
    static Condition parse(String text) {
        Matcher m = FORM.matcher(text);
        if (!m.matches()) {
            return null;
        }
        Ref ref = Ref.parse(m.group(1));
        if (m.group(2) == null) {
            return new Condition(ref, null, null);
        }
        String lit = m.group(3);
        Object literal;
        if (lit.startsWith("\"") || lit.startsWith("'")) {
            literal = lit.substring(1, lit.length() - 1);
        } else if (lit.equals("true") || lit.equals("false")) {
            literal = Boolean.parseBoolean(lit);
        } else {
            try {
                literal = Double.parseDouble(lit);
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return new Condition(ref, m.group(2), literal);
    }

    boolean test(Values values) {
        Object v = values.get(ref);
        if (op == null) {
            return v != null
                    && !Boolean.FALSE.equals(v)
                    && !"".equals(v)
                    && !(v instanceof JsonArray a && a.isEmpty())
                    && !(v instanceof Collection<?> c && c.isEmpty());
        }
        if (literal instanceof Double d) {
            if (!(v instanceof Number n)) {
                return false;
            }
            int c = Double.compare(n.doubleValue(), d);
            return switch (op) {
                case "==" -> c == 0;
                case "!=" -> c != 0;
                case ">" -> c > 0;
                case ">=" -> c >= 0;
                case "<" -> c < 0;
                default -> c <= 0;
            };
        }
        boolean equal = Objects.equals(v, literal);
        return switch (op) {
            case "==" -> equal;
            case "!=" -> !equal;
            default -> false; // ordering is defined for numbers only; the validator rejects the rest
        };
    }
}
