package dev.stoa.gateway.internal;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * A call answered as the PNG itself when the client asks for one ({@code Accept: image/png}): a drawn image or a
 * mask goes straight into a browser's {@code <img>}, a file ({@code curl -H 'Accept: image/png' ... > out.png}) or an
 * image viewer, with no JSON to take apart. The answer's PNGs are found as {@code bin/stoa call --save} finds them:
 * every string in the JSON that is the base64 of a PNG (or a {@code data:image/png;base64,} URL of one), in the
 * answer's order; {@code ?image=k} picks the k-th (from 0; default the first), and the {@code X-Stoa-Images} header
 * says how many there are. An answer with no PNG is {@code 406} naming the fix (ask for JSON); a {@code k} past the
 * last is {@code 400} naming {@code image}.
 */
final class PngAnswer {

    /** The query parameter that picks which PNG of the answer. */
    static final String IMAGE = "image";

    /** The header that says how many PNGs the answer holds. */
    static final String COUNT_HEADER = "X-Stoa-Images";

    private static final String PNG_BASE64 = "iVBORw0KGgo";
    private static final String DATA_URL = "data:image/png;base64,";

    private PngAnswer() {}

    /** @return whether the client asked for a PNG rather than JSON */
    static boolean requested(RoutingContext rc) {
        String accept = rc.request().getHeader("Accept");
        return accept != null && accept.contains("image/png") && !accept.contains("application/json");
    }

    /**
     * Ends the response with one PNG of {@code answer}.
     *
     * @param id the service or pipeline, for the error
     * @param answer the call's JSON answer
     */
    static void end(RoutingContext rc, String id, JsonObject answer) {
        List<String> pngs = new ArrayList<>();
        find(answer, pngs);
        if (pngs.isEmpty()) {
            HttpGateway.error(
                    rc,
                    406,
                    "NOT_ACCEPTABLE",
                    "the answer of '" + id + "' holds no PNG image; ask for JSON (Accept: application/json)");
            return;
        }
        int index = 0;
        String k = rc.request().getParam(IMAGE);
        if (k != null) {
            try {
                index = Integer.parseInt(k.trim());
            } catch (NumberFormatException e) {
                index = -1;
            }
            if (index < 0 || index >= pngs.size()) {
                HttpGateway.error(
                        rc,
                        400,
                        "BAD_INPUT",
                        "'image': is " + k + "; the answer of '" + id + "' holds " + pngs.size()
                                + " PNG image(s): give 0 to " + (pngs.size() - 1));
                return;
            }
        }
        byte[] png = Base64.getDecoder().decode(pngs.get(index));
        rc.response()
                .setStatusCode(200)
                .putHeader("content-type", "image/png")
                .putHeader(COUNT_HEADER, Integer.toString(pngs.size()))
                .end(Buffer.buffer(png));
    }

    /** Adds the base64 of every PNG in {@code value}, depth first in the answer's order. */
    static void find(Object value, List<String> pngs) {
        if (value instanceof JsonObject o) {
            for (Map.Entry<String, Object> e : o) {
                find(e.getValue(), pngs);
            }
        } else if (value instanceof JsonArray a) {
            for (Object item : a) {
                find(item, pngs);
            }
        } else if (value instanceof Map<?, ?> m) {
            find(new JsonObject(cast(m)), pngs);
        } else if (value instanceof List<?> l) {
            find(new JsonArray(new ArrayList<>(l)), pngs);
        } else if (value instanceof String s) {
            String base64 = s.startsWith(DATA_URL) ? s.substring(DATA_URL.length()) : s;
            if (base64.startsWith(PNG_BASE64) && isBase64(base64)) {
                pngs.add(base64);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cast(Map<?, ?> m) {
        return (Map<String, Object>) m;
    }

    private static boolean isBase64(String s) {
        try {
            Base64.getDecoder().decode(s);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
