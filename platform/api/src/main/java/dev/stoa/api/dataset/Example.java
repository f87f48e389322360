package dev.stoa.api.dataset;

import dev.stoa.api.data.Image;
import java.util.List;
import java.util.Map;

/**
 * One training or evaluation example: an image, the captions that describe it, and optionally a class label and
 * attributes.
 *
 * @param id a stable identifier (file name, COCO image id, shapes index)
 * @param image the decoded image
 * @param captions one or more captions (COCO has five); a trainer samples one per step
 * @param label the class, one of {@link Dataset#labels()}, or null when unlabelled
 * @param attributes further facts, e.g. {@code colour=green}, {@code shape=triangle}, {@code count=2},
 *     {@code text=STOP}; empty when there are none
 */
public record Example(String id, Image image, List<String> captions, String label, Map<String, String> attributes) {

    public Example {
        if (image == null) {
            throw new IllegalArgumentException("example " + id + ": image is null");
        }
        if (captions == null || captions.isEmpty()) {
            throw new IllegalArgumentException("example " + id + ": has no caption");
        }
        captions = List.copyOf(captions);
        attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
    }

    /** @return the first caption */
    public String caption() {
        return captions.get(0);
    }
}
