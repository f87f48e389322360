package dev.stoa.gateway.internal;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerFileUpload;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.UnsupportedAudioFileException;

/**
 * Reads a {@code multipart/form-data} call into the JSON input a JSON call would carry, so a form with files reaches
 * the same service or pipeline in the same shape:
 * <ul>
 *   <li>a text field {@code name=value}: {@code "name": "value"}; the field {@code json} holds a JSON object whose
 *       fields are merged in (for lists and numbers, e.g. {@code json={"labels": ["cat", "dog"]}});</li>
 *   <li>an image part ({@code image/*}): {@code "name": "<base64 of the file>"}, the JSON form of an
 *       {@code Image};</li>
 *   <li>an audio part ({@code audio/wav}, PCM): its samples as floats in [-1, 1], channels interleaved, merged in as
 *       {@code "samples"}, {@code "sampleRate"}, {@code "channels"}, the JSON form of an {@code Audio};</li>
 *   <li>a JSON part ({@code application/json}): {@code "name": <its value>}; a text part ({@code text/plain}):
 *       {@code "name": "<its text>"}.</li>
 * </ul>
 * The whole body, every part counted (text fields too), is bounded by {@code maxBytes}; a part of another type, a repeated name, a malformed body or an
 * unreadable audio file fail with {@code BAD_INPUT} naming the part.
 */
final class MultipartInput {

    /** The JSON field that holds an object merged into the input. */
    static final String JSON_FIELD = "json";

    private MultipartInput() {}

    /** @return whether {@code contentType} announces a multipart form */
    static boolean isMultipart(String contentType) {
        return contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith("multipart/form-data");
    }

    /**
     * Reads the request's parts; the request must not have been read yet.
     *
     * @param maxBytes the most bytes all parts together may have
     * @return the JSON input, or a failed future with a {@link StoaException}
     */
    static Future<JsonObject> read(HttpServerRequest request, long maxBytes) {
        Promise<JsonObject> result = Promise.promise();
        String type = request.getHeader("Content-Type");
        if (type == null || !type.toLowerCase(Locale.ROOT).contains("boundary=")) {
            // without one Vert.x would read the body as a URL-encoded form and make nonsense fields of it
            result.fail(StoaException.badInput(
                    "Content-Type",
                    "is '" + type + "', with no boundary; a multipart"
                            + " body needs 'multipart/form-data; boundary=...' (curl -F and browsers send it)"));
            return result.future();
        }
        String length = request.getHeader("Content-Length");
        if (length != null && length.matches("\\d{1,18}") && Long.parseLong(length) > maxBytes) {
            tooLarge(result, request, maxBytes);
            return result.future();
        }
        Map<String, Object> files = new LinkedHashMap<>();
        long[] total = {0};
        request.setExpectMultipart(true);
        // every byte of the body counts, text fields included: Vert.x decodes those into formAttributes() on its own,
        // each up to maxFormAttributeSize, so counting only file parts let a chunked body of several large fields in
        request.handler(chunk -> {
            total[0] += chunk.length();
            if (total[0] > maxBytes) {
                tooLarge(result, request, maxBytes);
            }
        });
        request.uploadHandler(upload -> {
            Buffer data = Buffer.buffer();
            upload.handler(chunk -> {
                if (!result.future().isComplete()) {
                    data.appendBuffer(chunk);
                }
            });
            upload.exceptionHandler(e -> result.tryFail(malformed(e)));
            upload.endHandler(v -> {
                if (result.future().isComplete()) {
                    return;
                }
                try {
                    if (files.containsKey(upload.name())) {
                        throw repeated(upload.name());
                    }
                    files.put(upload.name(), part(upload, data.getBytes()));
                } catch (StoaException e) {
                    result.tryFail(e);
                }
            });
        });
        request.exceptionHandler(e -> result.tryFail(malformed(e)));
        request.endHandler(v -> {
            if (result.future().isComplete()) {
                return;
            }
            try {
                result.tryComplete(assemble(request, files));
            } catch (StoaException e) {
                result.tryFail(e);
            }
        });
        // Vert.x Web pauses a request until a handler reads its body
        request.resume();
        return result.future();
    }

    private static JsonObject assemble(HttpServerRequest request, Map<String, Object> files) {
        JsonObject input = new JsonObject();
        for (Map.Entry<String, String> field : request.formAttributes()) {
            if (input.containsKey(field.getKey())) {
                throw repeated(field.getKey());
            }
            if (field.getKey().equals(JSON_FIELD)) {
                mergeJson(input, field.getValue());
            } else {
                input.put(field.getKey(), field.getValue());
            }
        }
        for (Map.Entry<String, Object> file : files.entrySet()) {
            if (file.getValue() instanceof AudioFields audio) {
                if (input.containsKey("samples")) {
                    throw StoaException.badInput(file.getKey(), "is a second audio part; send one audio file per call");
                }
                input.put("samples", audio.samples)
                        .put("sampleRate", audio.sampleRate)
                        .put("channels", audio.channels);
            } else if (input.containsKey(file.getKey())) {
                throw repeated(file.getKey());
            } else {
                input.put(file.getKey(), file.getValue());
            }
        }
        if (input.isEmpty()) {
            throw StoaException.badInput(
                    "body", "is a multipart form with no fields; send e.g. -F image=@photo.png" + " -F text=hello");
        }
        return input;
    }

    private static void mergeJson(JsonObject input, String value) {
        JsonObject fields;
        try {
            fields = new JsonObject(value);
        } catch (DecodeException e) {
            throw StoaException.badInput(
                    JSON_FIELD,
                    "is not a JSON object (" + e.getMessage() + "); send e.g."
                            + " json={\"labels\": [\"cat\", \"dog\"]}");
        }
        for (String key : fields.fieldNames()) {
            if (input.containsKey(key)) {
                throw repeated(key);
            }
            input.put(key, fields.getValue(key));
        }
    }

    /** The JSON value of one file part. */
    private static Object part(HttpServerFileUpload upload, byte[] bytes) {
        String type = upload.contentType() == null ? "" : upload.contentType().toLowerCase(Locale.ROOT);
        String name = upload.name();
        if (type.startsWith("image/")) {
            return Base64.getEncoder().encodeToString(bytes);
        }
        if (type.startsWith("audio/")) {
            return audio(name, bytes);
        }
        if (type.startsWith("application/json")) {
            try {
                return Json.decodeValue(Buffer.buffer(bytes));
            } catch (DecodeException e) {
                throw StoaException.badInput(
                        name, "is an application/json part that is not JSON (" + e.getMessage() + ")");
            }
        }
        if (type.startsWith("text/")) {
            return new String(bytes, StandardCharsets.UTF_8);
        }
        throw StoaException.badInput(
                name,
                "is a file of type '" + upload.contentType() + "'; send images as image/png"
                        + " or image/jpeg, audio as audio/wav, or text/plain or application/json parts (curl: -F"
                        + " " + name + "=@file.png;type=image/png)");
    }

    /** The JSON shape of an Audio: samples as floats in [-1, 1], interleaved. */
    private record AudioFields(JsonArray samples, int sampleRate, int channels) {}

    private static AudioFields audio(String name, byte[] bytes) {
        try (AudioInputStream in = AudioSystem.getAudioInputStream(new ByteArrayInputStream(bytes))) {
            AudioFormat f = in.getFormat();
            boolean signed = f.getEncoding() == AudioFormat.Encoding.PCM_SIGNED;
            if (!signed && f.getEncoding() != AudioFormat.Encoding.PCM_UNSIGNED
                    || f.getSampleSizeInBits() != 8 && f.getSampleSizeInBits() != 16) {
                throw StoaException.badInput(
                        name,
                        "is audio encoded as " + f.getEncoding() + " with " + f.getSampleSizeInBits()
                                + "-bit samples; send a WAV file of 8- or 16-bit PCM");
            }
            byte[] pcm = in.readAllBytes();
            int width = f.getSampleSizeInBits() / 8;
            ByteBuffer buffer =
                    ByteBuffer.wrap(pcm).order(f.isBigEndian() ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
            JsonArray samples = new JsonArray();
            for (int i = 0; i + width <= pcm.length; i += width) {
                float v = width == 2
                        ? buffer.getShort(i) / 32768f
                        : signed ? buffer.get(i) / 128f : ((buffer.get(i) & 0xff) - 128) / 128f;
                samples.add(v);
            }
            return new AudioFields(samples, Math.round(f.getSampleRate()), f.getChannels());
        } catch (UnsupportedAudioFileException e) {
            throw StoaException.badInput(
                    name,
                    "is not an audio file Java can read (" + e.getMessage() + "); send a" + " WAV file of PCM samples");
        } catch (IOException e) {
            throw StoaException.badInput(name, "could not be read as audio: " + e.getMessage());
        }
    }

    private static void tooLarge(Promise<JsonObject> result, HttpServerRequest request, long maxBytes) {
        if (result.tryFail(new StoaException(
                FailureCode.TOO_LARGE,
                "the multipart body is over " + maxBytes
                        + " bytes; send smaller files, or raise maxBodyBytes in etc/dev.stoa.gateway.cfg"))) {
            // stop reading: the answer goes out now, and the connection closes after it
            request.pause();
        }
    }

    private static StoaException repeated(String name) {
        return StoaException.badInput(name, "is sent twice; give each field and file its own name");
    }

    private static StoaException malformed(Throwable e) {
        if (e instanceof StoaException se) {
            return se;
        }
        return StoaException.badInput(
                "body",
                "is not a well-formed multipart/form-data body (" + e.getMessage()
                        + "); send parts with Content-Disposition: form-data; name=\"...\", e.g. curl -F text=hello -F"
                        + " image=@photo.png");
    }
}
