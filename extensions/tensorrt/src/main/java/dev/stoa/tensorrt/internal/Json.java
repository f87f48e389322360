package dev.stoa.tensorrt.internal;

import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** Just enough JSON for {@link TensorRtCheck}'s report: maps, lists, strings, numbers, booleans, null. */
final class Json {

    private Json() {}

    static String write(Object value) {
        StringBuilder s = new StringBuilder();
        write(value, s, "");
        return s.toString();
    }

    private static void write(Object value, StringBuilder s, String indent) {
        if (value == null) {
            s.append("null");
        } else if (value instanceof String text) {
            quote(text, s);
        } else if (value instanceof Double d && (d.isNaN() || d.isInfinite())) {
            s.append("null");
        } else if (value instanceof Float f && (f.isNaN() || f.isInfinite())) {
            s.append("null");
        } else if (value instanceof Number || value instanceof Boolean) {
            s.append(value);
        } else if (value instanceof Map<?, ?> map) {
            if (map.isEmpty()) {
                s.append("{}");
                return;
            }
            String inner = indent + "  ";
            s.append("{\n");
            Iterator<? extends Map.Entry<?, ?>> it = map.entrySet().iterator();
            while (it.hasNext()) {
                Map.Entry<?, ?> e = it.next();
                s.append(inner);
                quote(String.valueOf(e.getKey()), s);
                s.append(": ");
                write(e.getValue(), s, inner);
                s.append(it.hasNext() ? ",\n" : "\n");
            }
            s.append(indent).append('}');
        } else if (value instanceof List<?> list) {
            s.append('[');
            for (int i = 0; i < list.size(); i++) {
                if (i > 0) {
                    s.append(", ");
                }
                write(list.get(i), s, indent);
            }
            s.append(']');
        } else {
            quote(value.toString(), s);
        }
    }

    private static void quote(String text, StringBuilder s) {
        s.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> s.append("\\\"");
                case '\\' -> s.append("\\\\");
                case '\n' -> s.append("\\n");
                case '\r' -> s.append("\\r");
                case '\t' -> s.append("\\t");
                default -> {
                    if (c < 0x20) {
                        s.append(String.format("\\u%04x", (int) c));
                    } else {
                        s.append(c);
                    }
                }
            }
        }
        s.append('"');
    }
}
