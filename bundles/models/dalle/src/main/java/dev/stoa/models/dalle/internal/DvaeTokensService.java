package dev.stoa.models.dalle.internal;

import dev.stoa.api.MapService;
import dev.stoa.api.StoaException;
import dev.stoa.api.data.Image;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code dalle-dvae-<v>-tokens}: the discrete VAE both ways, to see what its tokens keep.
 *
 * <ul>
 *   <li>{@code {"image": "<base64 PNG>"}} -> {@code {"tokens": [G x G codes, row by row], "grid": G, "codebook": K,
 *       "image": "<base64 PNG of the tokens decoded>"}}: the image's tokens and its reconstruction;
 *   <li>{@code {"tokens": [...]}} -> {@code {"image": "<base64 PNG>", "grid", "codebook"}}: tokens to pixels.
 * </ul>
 */
final class DvaeTokensService implements MapService {

    private final DalleInference model;

    DvaeTokensService(DalleInference model) {
        this.model = model;
    }

    @Override
    public Map<String, Object> call(Map<String, Object> request) {
        DvaeConfig c = model.dvaeConfig();
        Object image = request.get("image");
        Object tokens = request.get("tokens");
        if ((image == null) == (tokens == null)) {
            throw StoaException.badInput(
                    image == null ? "image" : "tokens",
                    "send either \"image\" (the base64 of a PNG) or \"tokens\" (" + c.tokens() + " codes from 0 to "
                            + (c.codebook() - 1) + "), not " + (image == null ? "neither" : "both"));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        long[] codes;
        if (image != null) {
            Image decoded = image instanceof Image i ? i : decodeImage(image);
            codes = model.encode(decoded);
            List<Long> list = new ArrayList<>(codes.length);
            for (long code : codes) {
                list.add(code);
            }
            out.put("tokens", list);
        } else {
            codes = tokens(tokens, c);
        }
        out.put("grid", c.grid());
        out.put("codebook", c.codebook());
        out.put("image", Base64.getEncoder().encodeToString(model.decode(codes).encodePng()));
        return out;
    }

    private static Image decodeImage(Object value) {
        if (value instanceof Map<?, ?> m && m.get("image") != null) {
            value = m.get("image");
        }
        if (!(value instanceof String b64)) {
            throw StoaException.badInput("image", "must be the base64 of a PNG or JPEG file");
        }
        try {
            return Image.decode(Base64.getDecoder().decode(b64), Image.DEFAULT_MAX_PIXELS);
        } catch (IllegalArgumentException e) {
            throw StoaException.badInput("image", "is not the base64 of a PNG or JPEG file: " + e.getMessage());
        }
    }

    private static long[] tokens(Object value, DvaeConfig c) {
        if (!(value instanceof List<?> list) || list.size() != c.tokens()) {
            throw StoaException.badInput(
                    "tokens", "must be a list of " + c.tokens() + " codes (a " + c.grid() + "x" + c.grid() + " grid)");
        }
        long[] out = new long[list.size()];
        for (int i = 0; i < out.length; i++) {
            Object v = list.get(i);
            if (!(v instanceof Number n)
                    || n.doubleValue() != Math.rint(n.doubleValue())
                    || n.longValue() < 0
                    || n.longValue() >= c.codebook()) {
                throw StoaException.badInput(
                        "tokens",
                        "item " + i + " is " + v + "; each code is a whole number from 0 to " + (c.codebook() - 1));
            }
            out[i] = ((Number) v).longValue();
        }
        return out;
    }
}
