package dev.stoa.models.sam.internal;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import dev.stoa.api.data.Mask;
import dev.stoa.api.dataset.Example;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the exact masks the {@code shapes} dataset puts on an example when its training file asks {@code masks:
 * true}: the attribute {@code masks}, copies joined by {@code ;}, each {@code x0,y0,x1,y1:c0 c1 ...}, COCO's
 * column-major run lengths of the whole image (bundles/datasets/README.md).
 */
final class SceneMasks {

    static final String ATTRIBUTE = "masks";

    private SceneMasks() {}

    /**
     * @param example an example of the shapes dataset opened with {@code masks: true}
     * @return one mask per shape copy, at the image's size
     * @throws StoaException BAD_CONFIG when the example has no masks: the training file must ask for them
     */
    static List<Mask> of(Example example) {
        String text = example.attributes().get(ATTRIBUTE);
        if (text == null) {
            throw new StoaException(
                    FailureCode.BAD_CONFIG,
                    "example " + example.id() + " has no '" + ATTRIBUTE + "' attribute; SAM trains on exact masks:"
                            + " use dataset 'shapes' with the option 'masks: true'");
        }
        int w = example.image().width();
        int h = example.image().height();
        List<Mask> out = new ArrayList<>();
        if (text.isBlank()) {
            return out;
        }
        for (String part : text.split(";")) {
            String[] runs = part.substring(part.indexOf(':') + 1).trim().split(" ");
            int[] counts = new int[runs.length];
            for (int i = 0; i < runs.length; i++) {
                counts[i] = Integer.parseInt(runs[i]);
            }
            out.add(Mask.fromRle(w, h, counts));
        }
        return out;
    }
}
