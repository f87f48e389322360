package dev.stoa.models.dalle.internal;

import ai.djl.ndarray.NDArray;
import dev.stoa.api.data.Image;
import dev.stoa.nn.image.ImagePixels;
import java.util.ArrayList;
import java.util.List;

/** Decoded pixels back to images: the inverse of {@link ImagePixels#batch}, clamped to 0-255. */
final class DallePixels {

    private DallePixels() {}

    /**
     * @param pixels {@code (B, 3, S, S)} in {@link ImagePixels}' scale
     * @return B images of S x S
     */
    static List<Image> images(NDArray pixels) {
        long[] shape = pixels.getShape().getShape();
        int b = (int) shape[0];
        int s = (int) shape[2];
        int plane = s * s;
        float[] v = pixels.toFloatArray();
        List<Image> out = new ArrayList<>(b);
        for (int i = 0; i < b; i++) {
            byte[] rgb = new byte[plane * 3];
            int base = i * 3 * plane;
            for (int p = 0; p < plane; p++) {
                for (int c = 0; c < 3; c++) {
                    float u = ImagePixels.unscale(v[base + c * plane + p]);
                    rgb[3 * p + c] = (byte) Math.round(Math.max(0, Math.min(255, u)));
                }
            }
            out.add(new Image(s, s, rgb));
        }
        return out;
    }
}
