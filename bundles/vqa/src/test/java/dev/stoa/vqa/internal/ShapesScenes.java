package dev.stoa.vqa.internal;

import dev.stoa.api.dataset.Dataset;
import dev.stoa.api.dataset.Example;
import dev.stoa.datasets.internal.ShapesDatasetFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Real shapes scenes with counts and words, as the VQA tests read them. */
final class ShapesScenes {

    private ShapesScenes() {}

    /** @return the first {@code n} training scenes: one to three copies, a word in about half */
    static List<Example> examples(int n) throws Exception {
        try (Dataset d =
                new ShapesDatasetFactory().open(Map.of("image_size", 16, "max_count", 3, "text_probability", 0.5))) {
            List<Example> out = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                out.add(d.split("train").get(i));
            }
            return out;
        }
    }
}
