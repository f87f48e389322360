package dev.stoa.nn.train;

import dev.stoa.api.dataset.Dataset;
import dev.stoa.api.dataset.Example;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Picking examples the way trainable models do: a caption per example for a step, the first N for evaluation. */
public final class TrainingExamples {

    /** The split the trainer trains on; evaluation reads the others. */
    public static final String TRAIN_SPLIT = "train";

    private TrainingExamples() {}

    /**
     * @param examples a batch
     * @param random the step's generator
     * @return one of each example's captions, drawn by {@code random} (so the run's seed decides which)
     */
    public static List<String> oneCaptionEach(List<Example> examples, SplittableRandom random) {
        List<String> captions = new ArrayList<>(examples.size());
        for (Example e : examples) {
            captions.add(e.captions().get(random.nextInt(e.captions().size())));
        }
        return captions;
    }

    /** @return up to {@code n} examples from the start of the split, skipped (unreadable) ones passed over */
    public static List<Example> first(Dataset.Split split, int n) {
        List<Example> out = new ArrayList<>();
        for (int i = 0; i < split.size() && out.size() < n; i++) {
            Example e = split.get(i);
            if (e != null) {
                out.add(e);
            }
        }
        return out;
    }

    /** @return the dataset's splits other than {@value #TRAIN_SPLIT}, in its order */
    public static List<String> heldOutSplits(Dataset dataset) {
        return dataset.splits().stream().filter(s -> !s.equals(TRAIN_SPLIT)).toList();
    }
}
