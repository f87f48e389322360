package dev.stoa.datasets.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The synthetic shapes dataset's options, checked.
 *
 * @param seed the seed every example derives from
 * @param imageSize side of the square images, pixels
 * @param renderer how the shapes are drawn: style, rotation, antialiasing, colour jitter, background, noise, blur,
 *     JPEG, render sizes
 * @param minSize smallest shape diameter, as a fraction of the image side
 * @param maxSize largest shape diameter, as a fraction of the image side
 * @param maxCount most copies of the shape in one image (1: always one)
 * @param textProbability chance that a word is drawn into an image
 * @param holdout labels ("colour shape") that never appear in the seen splits
 * @param sizes number of examples of each split, by split name, in {@link ShapesDataset#SPLITS} order
 * @param attributeCaptions which captions naming colour and shape apart each example also gets
 * @param captionNoise fraction of {@code train} examples whose captions are another image's ({@link CaptionNoise})
 * @param masks whether each example carries every copy's exact mask ({@link ShapeMasks})
 */
record ShapesConfig(
        long seed,
        int imageSize,
        RendererOptions renderer,
        double minSize,
        double maxSize,
        int maxCount,
        double textProbability,
        Set<String> holdout,
        Map<String, Integer> sizes,
        AttributeCaptions attributeCaptions,
        double captionNoise,
        boolean masks) {

    static final String ID = "shapes";

    static final String SEED = "seed";
    static final String IMAGE_SIZE = "image_size";
    static final String MIN_SIZE = "min_size";
    static final String MAX_SIZE = "max_size";
    static final String MAX_COUNT = "max_count";
    static final String TEXT_PROBABILITY = "text_probability";
    static final String ATTRIBUTE_CAPTIONS = "attribute_captions";
    static final String HOLDOUT = "holdout";
    static final String TRAIN_SIZE = "train_size";
    static final String VAL_SIZE = "val_size";
    static final String TEST_SIZE = "test_size";
    static final String UNSEEN_SIZE = "unseen_size";
    static final String GALLERY_SIZE = "gallery_size";
    static final String TEST_RENDERER_SIZE = "test_renderer_size";
    static final String CAPTION_NOISE = "caption_noise";
    static final String MASKS = "masks";

    /** Largest image side accepted: rendering is per example, so big images make a slow dataset. */
    static final int MAX_IMAGE_SIZE = 1024;

    /** @return every option with its default, in order */
    static Map<String, Object> defaults() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put(SEED, 0L);
        d.put(IMAGE_SIZE, 32);
        d.put(RendererOptions.BACKGROUND, "white");
        d.put(MIN_SIZE, 0.3);
        d.put(MAX_SIZE, 0.7);
        d.put(MAX_COUNT, 1);
        d.put(TEXT_PROBABILITY, 0.0);
        d.put(ATTRIBUTE_CAPTIONS, AttributeCaptions.NONE.word());
        d.put(HOLDOUT, List.of("green triangle", "blue star", "red cross"));
        d.put(TRAIN_SIZE, 1_000_000);
        d.put(VAL_SIZE, 1000);
        d.put(TEST_SIZE, 1000);
        d.put(UNSEEN_SIZE, 1000);
        d.put(GALLERY_SIZE, 500);
        d.put(TEST_RENDERER_SIZE, 1000);
        d.put(RendererOptions.STYLE, "filled");
        d.put(RendererOptions.ROTATION, 0.0);
        d.put(RendererOptions.ANTIALIAS, "on");
        d.put(RendererOptions.COLOUR_JITTER, 0.0);
        d.put(RendererOptions.NOISE, 0.0);
        d.put(RendererOptions.BLUR, 0.0);
        d.put(RendererOptions.JPEG, 0.0);
        // empty: the image size
        d.put(RendererOptions.RENDER_SIZES, List.of());
        d.put(CAPTION_NOISE, 0.0);
        d.put(MASKS, false);
        return d;
    }

    /**
     * @param options the training file's options
     * @return the checked configuration
     * @throws dev.stoa.api.StoaException BAD_CONFIG naming the option at fault
     */
    static ShapesConfig parse(Map<String, ?> options) {
        DatasetOptions o = new DatasetOptions(ID, defaults(), options);
        long seed = o.integer(SEED, Long.MIN_VALUE, Long.MAX_VALUE);
        int imageSize = (int) o.integer(IMAGE_SIZE, 8, MAX_IMAGE_SIZE);
        RendererOptions renderer = RendererOptions.parse(o, imageSize);
        double minSize = o.number(MIN_SIZE, 0.05, 1.0);
        double maxSize = o.number(MAX_SIZE, 0.05, 1.0);
        if (maxSize < minSize) {
            throw o.bad(MAX_SIZE, maxSize, "a fraction at least min_size (" + minSize + ")");
        }
        int maxCount = (int) o.integer(MAX_COUNT, 1, ShapeCaptions.NUMBERS.size() - 1);
        double textProbability = o.number(TEXT_PROBABILITY, 0, 1);
        AttributeCaptions attributeCaptions =
                AttributeCaptions.of(o.choice(ATTRIBUTE_CAPTIONS, AttributeCaptions.words()));
        Set<String> holdout = new LinkedHashSet<>();
        List<String> labels = labels();
        for (String h : o.strings(HOLDOUT)) {
            String label = h.trim().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
            if (!labels.contains(label)) {
                throw o.bad(HOLDOUT, h, "a list of \"colour shape\" labels from " + labels);
            }
            holdout.add(label);
        }
        if (holdout.size() == labels.size()) {
            throw o.bad(HOLDOUT, holdout, "a list that leaves at least one label for training");
        }
        Map<String, Integer> sizes = new LinkedHashMap<>();
        String[] keys = {TRAIN_SIZE, VAL_SIZE, TEST_SIZE, UNSEEN_SIZE, GALLERY_SIZE, TEST_RENDERER_SIZE};
        for (int k = 0; k < keys.length; k++) {
            sizes.put(ShapesDataset.SPLITS.get(k), (int) o.integer(keys[k], 0, Integer.MAX_VALUE));
        }
        return new ShapesConfig(
                seed,
                imageSize,
                renderer,
                minSize,
                maxSize,
                maxCount,
                textProbability,
                Collections.unmodifiableSet(holdout),
                sizes,
                attributeCaptions,
                o.number(CAPTION_NOISE, 0, 1),
                o.choice(MASKS, "true", "false").equals("true"));
    }

    /** @return every label, "colour shape", colours outermost, in enum order */
    static List<String> labels() {
        List<String> labels = new ArrayList<>();
        for (ShapeColour c : ShapeColour.values()) {
            for (ShapeKind s : ShapeKind.values()) {
                labels.add(c.word() + " " + s.word());
            }
        }
        return List.copyOf(labels);
    }
}
