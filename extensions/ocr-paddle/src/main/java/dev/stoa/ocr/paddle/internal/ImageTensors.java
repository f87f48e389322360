package dev.stoa.ocr.paddle.internal;

import dev.stoa.api.data.Image;

/**
 * Builds the input tensors of PP-OCRv4's detector and recognizer from an RGB {@link Image}, with PaddleOCR's
 * preprocessing: bilinear resizing (OpenCV's {@code INTER_LINEAR} pixel-centre convention), channels in BGR order
 * (PaddleOCR reads images with OpenCV and never swaps them), layout {@code (3, H, W)}.
 *
 * <p>Only the output tensor is allocated: a large image is sampled where it lies, never copied or converted whole.
 * Stateless and thread-safe.
 */
final class ImageTensors {

    /** Detector normalization: ImageNet mean and std, applied in BGR channel order as PaddleOCR's NormalizeImage does. */
    private static final float[] DET_MEAN = {0.485f, 0.456f, 0.406f};

    private static final float[] DET_STD = {0.229f, 0.224f, 0.225f};
    /** Recognizer normalization: {@code (x / 255 - 0.5) / 0.5}, PaddleOCR's {@code resize_norm_img}. */
    private static final float[] REC_MEAN = {0.5f, 0.5f, 0.5f};

    private static final float[] REC_STD = {0.5f, 0.5f, 0.5f};

    /** Height of the recognizer's input: PP-OCRv4's {@code rec_image_shape} is {@code 3, 48, 320}. */
    static final int REC_HEIGHT = 48;
    /** Narrowest recognizer input; narrower lines are padded (PaddleOCR's {@code 320 / 48} least width ratio). */
    static final int REC_MIN_WIDTH = 320;

    private ImageTensors() {}

    /**
     * @param image the whole image
     * @param width tensor width
     * @param height tensor height
     * @return the detector's input {@code (3, height, width)}, the image resized to fill it
     */
    static float[] detectorInput(Image image, int width, int height) {
        float[] out = new float[3 * width * height];
        resize(image, 0, 0, image.width(), image.height(), out, width, height, width, DET_MEAN, DET_STD);
        return out;
    }

    /**
     * @param box the line's box in the image's pixels
     * @return the width of the recognizer's input for that line: its width at {@link #REC_HEIGHT}, at least
     *         {@link #REC_MIN_WIDTH}
     */
    static int recognizerWidth(TextBox box) {
        return Math.max(REC_MIN_WIDTH, scaledWidth(box));
    }

    /**
     * @param image the whole image
     * @param box the line to crop
     * @param tensorWidth the tensor's width, from {@link #recognizerWidth}
     * @return the recognizer's input {@code (3, 48, tensorWidth)}: the crop resized to height 48 at its own aspect
     *         ratio, the rest zero (mid-gray after normalization), as PaddleOCR pads
     */
    static float[] recognizerInput(Image image, TextBox box, int tensorWidth) {
        float[] out = new float[3 * REC_HEIGHT * tensorWidth];
        int width = Math.min(tensorWidth, scaledWidth(box));
        resize(
                image,
                box.x(),
                box.y(),
                box.width(),
                box.height(),
                out,
                width,
                REC_HEIGHT,
                tensorWidth,
                REC_MEAN,
                REC_STD);
        return out;
    }

    private static int scaledWidth(TextBox box) {
        return Math.max(1, (int) Math.ceil(REC_HEIGHT * (double) box.width() / box.height()));
    }

    /**
     * Resizes the region {@code (x0, y0, w, h)} of the image to {@code (outW, outH)} into the first {@code outW}
     * columns of a {@code (3, outH, stride)} tensor, normalizing {@code (v / 255 - mean) / std} per BGR channel.
     */
    private static void resize(
            Image image,
            int x0,
            int y0,
            int w,
            int h,
            float[] out,
            int outW,
            int outH,
            int stride,
            float[] mean,
            float[] std) {
        byte[] rgb = image.rgb();
        int imageWidth = image.width();
        double scaleX = (double) w / outW;
        double scaleY = (double) h / outH;
        int plane = outH * stride;
        for (int oy = 0; oy < outH; oy++) {
            double sy = Math.min(Math.max((oy + 0.5) * scaleY - 0.5, 0), h - 1);
            int ya = (int) sy;
            int yb = Math.min(ya + 1, h - 1);
            double fy = sy - ya;
            int rowA = (y0 + ya) * imageWidth;
            int rowB = (y0 + yb) * imageWidth;
            for (int ox = 0; ox < outW; ox++) {
                double sx = Math.min(Math.max((ox + 0.5) * scaleX - 0.5, 0), w - 1);
                int xa = (int) sx;
                int xb = Math.min(xa + 1, w - 1);
                double fx = sx - xa;
                int a = (rowA + x0 + xa) * 3;
                int b = (rowA + x0 + xb) * 3;
                int c = (rowB + x0 + xa) * 3;
                int d = (rowB + x0 + xb) * 3;
                for (int ch = 0; ch < 3; ch++) {
                    // BGR: tensor channel 0 is blue, the image's byte 2
                    int src = 2 - ch;
                    double top = (rgb[a + src] & 0xff) * (1 - fx) + (rgb[b + src] & 0xff) * fx;
                    double bottom = (rgb[c + src] & 0xff) * (1 - fx) + (rgb[d + src] & 0xff) * fx;
                    double v = top * (1 - fy) + bottom * fy;
                    out[ch * plane + oy * stride + ox] = (float) ((v / 255.0 - mean[ch]) / std[ch]);
                }
            }
        }
    }
}
