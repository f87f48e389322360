package dev.stoa.gateway.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Writes the gateway's JSON answers: compact by default, straight into the response's buffer, with floats and
 * doubles in their shortest form by the Schubfach algorithm (jackson-core's fast writer: an embedding of 384 floats
 * takes about a third of the time {@code Float.toString} needs on Java 17, and a fifth of Vert.x's
 * {@code encodePrettily}); pretty-printed, exactly as before, only when the request asks with {@code ?pretty} (or
 * {@code pretty=true}).
 */
final class JsonAnswer {

    /** The query parameter that asks for an indented answer. */
    static final String PRETTY = "pretty";

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER)
            .disable(StreamWriteFeature.AUTO_CLOSE_TARGET)
            .build();

    private JsonAnswer() {}

    /** Ends the response with {@code body} (a {@link JsonObject} or {@link JsonArray}) as JSON. */
    static void end(RoutingContext rc, int status, Object body) {
        if (status >= 400 && body instanceof JsonObject error) {
            rc.put(ConsoleData.ERROR_KEY, error); // GET /v1/errors records it when the answer ends
        }
        Buffer out = pretty(rc) ? Buffer.buffer(prettily(body)) : compact(body);
        rc.response()
                .setStatusCode(status)
                .putHeader("content-type", "application/json")
                .end(out);
    }

    /**
     * @return whether the request asked for an indented answer: {@code ?pretty}, {@code ?pretty=} or
     *     {@code ?pretty=true} (any case); {@code ?pretty=false} and no parameter give the compact form
     */
    static boolean pretty(RoutingContext rc) {
        if (rc.request().query() == null) {
            return false; // the hot path: no query string to parse
        }
        String v = rc.request().getParam(PRETTY);
        return v != null && (v.isEmpty() || v.equalsIgnoreCase("true"));
    }

    private static String prettily(Object body) {
        return body instanceof JsonObject o ? o.encodePrettily() : ((JsonArray) body).encodePrettily();
    }

    /**
     * @param body a {@link JsonObject}, {@link JsonArray}, or any value they may hold
     * @return its compact JSON text, as Vert.x's {@code encode()} writes it but for the numbers' shortest forms
     */
    static Buffer compact(Object body) {
        Buffer out = Buffer.buffer(1024);
        try (JsonGenerator g = FACTORY.createGenerator(new BufferStream(out))) {
            write(g, body);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // only from the buffer, which does not throw
        }
        return out;
    }

    private static void write(JsonGenerator g, Object v) throws IOException {
        if (v == null) {
            g.writeNull();
        } else if (v instanceof String s) {
            g.writeString(s);
        } else if (v instanceof Float f) {
            g.writeNumber(f.floatValue());
        } else if (v instanceof Double d) {
            g.writeNumber(d.doubleValue());
        } else if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
            g.writeNumber(((Number) v).intValue());
        } else if (v instanceof Long l) {
            g.writeNumber(l.longValue());
        } else if (v instanceof Boolean b) {
            g.writeBoolean(b);
        } else if (v instanceof JsonObject o) {
            writeObject(g, o.getMap());
        } else if (v instanceof Map<?, ?> m) {
            writeObject(g, m);
        } else if (v instanceof JsonArray a) {
            writeArray(g, a.getList());
        } else if (v instanceof List<?> l) {
            writeArray(g, l);
        } else if (v instanceof float[] fs) {
            g.writeStartArray(fs, fs.length);
            for (float f : fs) {
                g.writeNumber(f);
            }
            g.writeEndArray();
        } else if (v instanceof BigDecimal d) {
            g.writeNumber(d);
        } else if (v instanceof BigInteger i) {
            g.writeNumber(i);
        } else if (v instanceof Number n) {
            g.writeNumber(n.doubleValue());
        } else if (v instanceof byte[] bytes) {
            // as Vert.x writes binary: base64 without padding
            g.writeString(Base64.getEncoder().withoutPadding().encodeToString(bytes));
        } else if (v instanceof Buffer b) {
            g.writeString(Base64.getEncoder().withoutPadding().encodeToString(b.getBytes()));
        } else if (v instanceof Instant t) {
            g.writeString(DateTimeFormatter.ISO_INSTANT.format(t));
        } else if (v instanceof Enum<?> e) {
            g.writeString(e.name());
        } else {
            // Vert.x's encoder refuses such a value; an answer should still reach the caller
            g.writeString(String.valueOf(v));
        }
    }

    private static void writeObject(JsonGenerator g, Map<?, ?> map) throws IOException {
        g.writeStartObject();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            g.writeFieldName(String.valueOf(e.getKey()));
            write(g, e.getValue());
        }
        g.writeEndObject();
    }

    private static void writeArray(JsonGenerator g, List<?> list) throws IOException {
        g.writeStartArray(list, list.size());
        for (int i = 0, n = list.size(); i < n; i++) {
            write(g, list.get(i));
        }
        g.writeEndArray();
    }

    /** Jackson writes its own buffer's worth at a time into the response's buffer: one copy, no string. */
    private static final class BufferStream extends OutputStream {
        private final Buffer buffer;

        BufferStream(Buffer buffer) {
            this.buffer = buffer;
        }

        @Override
        public void write(int b) {
            buffer.appendByte((byte) b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            buffer.appendBytes(b, off, len);
        }
    }
}
