package dev.stoa.models.unclip.internal;

import dev.stoa.api.data.Image;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * The fields unCLIP's services share, with GLIDE's bounds, read by the platform's
 * {@link dev.stoa.api.service.RequestFields} (a wrong value is {@code BAD_INPUT} naming the field and what to send), and
 * the drawn images' encoding.
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

    /** @return the images as {@code [{"image": "<base64 PNG>"}, ...]}, resized to {@code size} where it differs */
    static List<Map<String, Object>> encoded(List<Image> drawn, int size) {
        List<Map<String, Object>> images = new ArrayList<>();
        for (Image image : drawn) {
            Image shown = size == image.width() ? image : resize(image, size);
            images.add(Map.of("image", Base64.getEncoder().encodeToString(shown.encodePng())));
        }
        return images;
    }

    /** Nearest-neighbour upscaling (or downscaling), so the pixels the model drew stay visible as they are. */
    static Image resize(Image image, int size) {
        BufferedImage out = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
            g.drawImage(image.toBufferedImage(), 0, 0, size, size, null);
        } finally {
            g.dispose();
        }
        return Image.fromBufferedImage(out);
    }
}
