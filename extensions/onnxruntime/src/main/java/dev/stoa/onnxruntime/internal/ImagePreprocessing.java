package dev.stoa.onnxruntime.internal;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import dev.stoa.api.data.Image;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * How an {@link Image} becomes an image input of a model-folder service: resize, centre crop, scale, per-channel
 * mean and standard deviation, channel order and layout. {@code N images (H, W, 3) -> (N, C, h, w)} for
 * {@code NCHW} or {@code (N, h, w, C)} for {@code NHWC}, {@code C} 3 (RGB or BGR) or 1 (GRAY), each element
 * {@code (v * scale - mean[c]) / std[c]} with {@code v} the 0-255 pixel value.
 *
 * <p>Resizing is bilinear with pixel centres at half-integers, as OpenCV's {@code INTER_LINEAR} (no anti-aliasing;
 * PaddleOCR and most ONNX exports preprocess with OpenCV). The modes:
 * <ul>
 *   <li>{@code stretch}: to {@code width x height}, ignoring the aspect ratio;</li>
 *   <li>{@code shorter-side}: the shorter side becomes {@code size}, the other keeps the aspect ratio (truncated),
 *       as torchvision's {@code Resize(int)}; usually followed by a crop;</li>
 *   <li>{@code fit-height}: the height becomes {@code height}, the width follows the aspect ratio up to
 *       {@code width} (wider images are squeezed) and the rest of the row is {@code pad}, as PaddleOCR's
 *       recognizer and orientation classifier take text lines;</li>
 *   <li>{@code none}: the image's own size.</li>
 * </ul>
 * The crop, when set, takes the central {@code width x height} (offsets rounded, as torchvision's
 * {@code CenterCrop}). Only the output tensor is allocated: the image is sampled where it lies.
 *
 * @param mode the resize mode
 * @param width the target width ({@code stretch}, {@code fit-height}), 0 otherwise
 * @param height the target height ({@code stretch}, {@code fit-height}), 0 otherwise
 * @param size the shorter side ({@code shorter-side}), 0 otherwise
 * @param cropWidth centre crop width, 0 for no crop
 * @param cropHeight centre crop height, 0 for no crop
 * @param scale factor from 0-255 pixel values to the unit of {@code mean} and {@code std}
 * @param mean per output channel, in the output's channel order
 * @param std per output channel, none zero (the descriptor's reader checks)
 * @param channels {@code RGB}, {@code BGR} or {@code GRAY}
 * @param channelsFirst {@code true} for {@code NCHW}, {@code false} for {@code NHWC}
 * @param pad value of the positions {@code fit-height} leaves empty, after normalisation
 */
record ImagePreprocessing(
        Mode mode,
        int width,
        int height,
        int size,
        int cropWidth,
        int cropHeight,
        float scale,
        float[] mean,
        float[] std,
        Channels channels,
        boolean channelsFirst,
        float pad) {

    /** How the image is resized; see the class comment. */
    enum Mode {
        NONE,
        STRETCH,
        SHORTER_SIDE,
        FIT_HEIGHT;

        /** @return the mode written {@code fit-height} (any case), or {@code null} */
        static Mode find(String name) {
            String n = name.trim().toUpperCase(Locale.ROOT).replace('-', '_');
            for (Mode m : values()) {
                if (m.name().equals(n)) {
                    return m;
                }
            }
            return null;
        }
    }

    /** Channel order of the tensor. */
    enum Channels {
        RGB(3),
        BGR(3),
        GRAY(1);

        final int count;

        Channels(int count) {
            this.count = count;
        }
    }

    /** @return the number of channels of the tensor */
    int channelCount() {
        return channels.count;
    }

    /**
     * @return {@code {w, h}} of every preprocessed image when the settings fix it, or {@code null} when it follows
     *     the image ({@code none} or {@code shorter-side} without a crop)
     */
    int[] fixedSize() {
        if (cropWidth > 0) {
            return new int[] {cropWidth, cropHeight};
        }
        return switch (mode) {
            case STRETCH, FIT_HEIGHT -> new int[] {width, height};
            case NONE, SHORTER_SIDE -> null;
        };
    }

    /**
     * @param images at least one image
     * @param field the request field the images came from, for messages ({@code inputs.x.images})
     * @return the batch {@code (N, C, h, w)} or {@code (N, h, w, C)}, float32
     * @throws StoaException {@link FailureCode#BAD_INPUT} when an image is smaller than the crop or the images of a
     *     batch come out in different sizes
     */
    Tensor apply(List<Image> images, String field) {
        int[] first = null;
        for (int i = 0; i < images.size(); i++) {
            int[] s = outputSize(images.get(i), images.size() == 1 ? field : field + "[" + i + "]");
            if (first == null) {
                first = s;
            } else if (s[0] != first[0] || s[1] != first[1]) {
                throw StoaException.badInput(
                        field + "[" + i + "]",
                        "comes out " + s[0] + "x" + s[1]
                                + " after preprocessing, the first image " + first[0] + "x" + first[1]
                                + "; a batch needs"
                                + " images of one size (send them one at a time, or resize them alike)");
            }
        }
        int w = first[0];
        int h = first[1];
        int c = channels.count;
        int per = c * h * w;
        float[] out = new float[images.size() * per];
        for (int i = 0; i < images.size(); i++) {
            write(images.get(i), out, i * per, w, h);
        }
        long[] shape = channelsFirst ? new long[] {images.size(), c, h, w} : new long[] {images.size(), h, w, c};
        return new Tensor(DType.FLOAT32, shape, out);
    }

    /** @return {@code {w, h}} of the resized image before the crop */
    private int[] resized(Image image) {
        int w = image.width();
        int h = image.height();
        return switch (mode) {
            case NONE -> new int[] {w, h};
            case STRETCH -> new int[] {width, height};
            case SHORTER_SIDE ->
                w <= h ? new int[] {size, (int) ((long) size * h / w)} : new int[] {(int) ((long) size * w / h), size};
            // PaddleOCR's resize_norm_img: ceil(H * w / h), at most the width
            case FIT_HEIGHT ->
                new int[] {(int) Math.min(width, Math.max(1, Math.ceil(height * (double) w / h))), height};
        };
    }

    private int[] outputSize(Image image, String field) {
        int[] r = resized(image);
        if (cropWidth > 0 && (r[0] < cropWidth || r[1] < cropHeight)) {
            throw StoaException.badInput(
                    field,
                    "is " + image.width() + "x" + image.height() + ", " + r[0] + "x"
                            + r[1] + " after resizing, smaller than the " + cropWidth + "x" + cropHeight
                            + " crop; send an"
                            + " image at least that large");
        }
        int[] fixed = fixedSize();
        return fixed != null ? fixed : r;
    }

    /** Writes one preprocessed image of {@code w x h} at {@code offset}. */
    private void write(Image image, float[] out, int offset, int w, int h) {
        int[] r = resized(image);
        int left = cropWidth > 0 ? (int) Math.round((r[0] - cropWidth) / 2.0) : 0;
        int top = cropHeight > 0 ? (int) Math.round((r[1] - cropHeight) / 2.0) : 0;
        int contentWidth = Math.min(w, r[0] - left); // fit-height pads the columns past the resized width
        double scaleX = (double) image.width() / r[0];
        double scaleY = (double) image.height() / r[1];
        byte[] rgb = image.rgb();
        int iw = image.width();
        int c = channels.count;
        float[] pixel = new float[c];
        double[] v = new double[3];
        for (int oy = 0; oy < h; oy++) {
            double sy = clamp((oy + top + 0.5) * scaleY - 0.5, image.height() - 1);
            int ya = (int) sy;
            int yb = Math.min(ya + 1, image.height() - 1);
            double fy = sy - ya;
            for (int ox = 0; ox < w; ox++) {
                if (ox >= contentWidth) {
                    Arrays.fill(pixel, pad);
                } else {
                    double sx = clamp((ox + left + 0.5) * scaleX - 0.5, iw - 1);
                    int xa = (int) sx;
                    int xb = Math.min(xa + 1, iw - 1);
                    double fx = sx - xa;
                    int a = (ya * iw + xa) * 3;
                    int b = (ya * iw + xb) * 3;
                    int d = (yb * iw + xa) * 3;
                    int e = (yb * iw + xb) * 3;
                    for (int k = 0; k < 3; k++) {
                        double upper = (rgb[a + k] & 0xff) * (1 - fx) + (rgb[b + k] & 0xff) * fx;
                        double lower = (rgb[d + k] & 0xff) * (1 - fx) + (rgb[e + k] & 0xff) * fx;
                        v[k] = upper * (1 - fy) + lower * fy;
                    }
                    switch (channels) {
                        case RGB -> {
                            pixel[0] = (float) v[0];
                            pixel[1] = (float) v[1];
                            pixel[2] = (float) v[2];
                        }
                        case BGR -> {
                            pixel[0] = (float) v[2];
                            pixel[1] = (float) v[1];
                            pixel[2] = (float) v[0];
                        }
                        // ITU-R BT.601 luma, as OpenCV's and PIL's RGB-to-grey conversions
                        case GRAY -> pixel[0] = (float) (0.299 * v[0] + 0.587 * v[1] + 0.114 * v[2]);
                    }
                    for (int k = 0; k < c; k++) {
                        pixel[k] = (pixel[k] * scale - mean[k]) / std[k];
                    }
                }
                for (int k = 0; k < c; k++) {
                    int at = channelsFirst ? (k * h + oy) * w + ox : (oy * w + ox) * c + k;
                    out[offset + at] = pixel[k];
                }
            }
        }
    }

    private static double clamp(double v, int max) {
        return Math.min(Math.max(v, 0), max);
    }
}
