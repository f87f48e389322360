package dev.stoa.models.merlot.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import dev.stoa.api.data.Image;
import dev.stoa.api.dataset.Example;
import dev.stoa.nn.image.ImagePixels;
import java.util.ArrayList;
import java.util.List;

/**
 * A clip's frames as MERLOT reads them: each frame resized to S x S (bilinear), each channel scaled from [0, 255] to
 * {@code (v / 255 - 0.5) / 0.25}, channel-major. A {@code shapes-clips} example carries its frames side by side in one
 * image ({@code frames} and {@code frame_size} attributes say how to cut it); a service request sends them as a list.
 */
final class ClipFrames {

    private ClipFrames() {}

    /**
     * @param example a {@code shapes-clips} example
     * @param frames F, as the model was built
     * @return its frames, in time order
     * @throws StoaException BAD_CONFIG if the example is not a clip of F frames
     */
    static List<Image> of(Example example, int frames) {
        String n = example.attributes().get("frames");
        String size = example.attributes().get("frame_size");
        if (n == null || size == null) {
            throw new StoaException(
                    FailureCode.BAD_CONFIG,
                    "dataset: example " + example.id() + " has no 'frames'/'frame_size' attributes; MERLOT trains on"
                            + " clips: use dataset id 'shapes-clips'");
        }
        if (Integer.parseInt(n) != frames) {
            throw new StoaException(
                    FailureCode.BAD_CONFIG,
                    "model.frames is " + frames + " but the dataset's clips have " + n + "; set the dataset's option"
                            + " 'frames' and the model's 'frames' alike");
        }
        int side = Integer.parseInt(size);
        Image strip = example.image();
        List<Image> out = new ArrayList<>(frames);
        for (int k = 0; k < frames; k++) {
            byte[] rgb = new byte[side * side * 3];
            for (int y = 0; y < side; y++) {
                System.arraycopy(strip.rgb(), 3 * (y * strip.width() + k * side), rgb, y * side * 3, side * 3);
            }
            out.add(new Image(side, side, rgb));
        }
        return out;
    }

    /**
     * @param manager where the batch is created
     * @param clips B clips of F frames each, slot order as given
     * @param size S
     * @return {@code (B, F, 3, S, S)} float32
     */
    static NDArray batch(NDManager manager, List<List<Image>> clips, int size) {
        int frames = clips.get(0).size();
        int plane = size * size;
        float[] out = new float[clips.size() * frames * 3 * plane];
        for (int b = 0; b < clips.size(); b++) {
            for (int k = 0; k < frames; k++) {
                ImagePixels.write(clips.get(b).get(k), size, out, (b * frames + k) * 3 * plane);
            }
        }
        return manager.create(out, new Shape(clips.size(), frames, 3, size, size));
    }
}
