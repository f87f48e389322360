package dev.stoa.survey.internal;

import dev.stoa.api.data.Image;
import dev.stoa.api.dataset.Example;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * One held-out clip of the {@code shapes-clips} dataset, cut into its frames: the dataset draws a clip as its frames
 * side by side, frame 0 on the left, and says how many ({@code frames}) and how wide ({@code frame_size}).
 *
 * @param id the dataset's example id
 * @param frames each frame as base64 PNG, in time order
 * @param attributes what happens in it: {@code shape}, {@code start_colour}, {@code end_colour}, {@code direction}
 *     where it moves, ...
 */
record Clip(String id, List<String> frames, Map<String, String> attributes) {

    /**
     * @param e an example of {@code shapes-clips}
     * @return it, cut into frames
     * @throws IllegalArgumentException when the example does not say how to cut it
     */
    static Clip of(Example e) {
        int n = Integer.parseInt(required(e, "frames"));
        int side = Integer.parseInt(required(e, "frame_size"));
        Image strip = e.image();
        if (strip.width() != n * side || strip.height() != side) {
            throw new IllegalArgumentException("clip " + e.id() + " is " + strip.width() + "x" + strip.height()
                    + ", not " + n + " frames of " + side + " px side by side");
        }
        List<String> frames = new ArrayList<>(n);
        for (int k = 0; k < n; k++) {
            byte[] rgb = new byte[side * side * 3];
            for (int y = 0; y < side; y++) {
                System.arraycopy(strip.rgb(), (y * strip.width() + k * side) * 3, rgb, y * side * 3, side * 3);
            }
            frames.add(Base64.getEncoder().encodeToString(new Image(side, side, rgb).encodePng()));
        }
        return new Clip(e.id(), List.copyOf(frames), e.attributes());
    }

    private static String required(Example e, String key) {
        String v = e.attributes().get(key);
        if (v == null) {
            throw new IllegalArgumentException(
                    "clip " + e.id() + " has no '" + key + "' attribute; is it shapes-clips?");
        }
        return v;
    }
}
