package dev.stoa.datasets.internal;

import dev.stoa.api.StoaException;
import dev.stoa.api.data.Image;
import dev.stoa.api.dataset.Dataset;
import dev.stoa.api.dataset.Example;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Synthetic shapes, rendered on demand: example {@code i} of a split is a pure function of (seed, split, i). Each
 * index gets its own {@link SplittableRandom} seeded from a hash of the three, so reads are random access,
 * thread-safe and the same on every machine (text glyphs aside, see {@link ShapeRenderer}).
 *
 * <p>Splits: {@code train}, {@code val}, {@code test} and {@code gallery} draw only seen labels (every label but the
 * held-out ones), each from its own stream; {@code test-unseen} draws only held-out labels; {@code test-renderer}
 * draws seen labels with the held-out renderer setting ({@link RendererOptions#heldOut}) instead of the file's
 * renderer options, for evaluation only.
 *
 * <p>How an example looks (style, turn, colour jitter, background, effects) comes from a second generator of its
 * own, seeded from the same hash: the scene, its label, captions and attributes are the same whatever the renderer
 * options are.
 */
final class ShapesDataset implements Dataset {

    /** The split names, in order. */
    static final List<String> SPLITS = List.of("train", "val", "test", "test-unseen", "gallery", "test-renderer");

    static final String UNSEEN = "test-unseen";

    /** The split drawn with the held-out renderer setting. */
    static final String HELD_OUT_RENDERER = "test-renderer";

    /** Salt of an example's look generator, apart from its scene generator. */
    private static final long LOOK_SALT = 0x4C4F4F4B5F524E44L;

    /** Salt of an example's placement generator for turned copies. */
    private static final long TURNED_SALT = 0x5455524E45445F50L;

    /** CLIP-style zero-shot prompts (a subset of CLIP's ImageNet templates that fit drawings). */
    private static final List<String> PROMPTS =
            List.of("a {}.", "a photo of a {}.", "a drawing of a {}.", "a picture of a {}.", "a rendering of a {}.");

    private final ShapesConfig config;
    private final Map<String, ShapesSplit> splits = new LinkedHashMap<>();
    private final ShapeRenderer renderer;
    private final RendererOptions heldOut;

    ShapesDataset(ShapesConfig config) {
        this.config = config;
        this.renderer = new ShapeRenderer(config.imageSize());
        this.heldOut = RendererOptions.heldOut(config.imageSize());
        List<String> labels = ShapesConfig.labels();
        List<Integer> seen = new ArrayList<>();
        List<Integer> unseen = new ArrayList<>();
        for (int k = 0; k < labels.size(); k++) {
            (config.holdout().contains(labels.get(k)) ? unseen : seen).add(k);
        }
        for (String name : SPLITS) {
            List<Integer> pool = name.equals(UNSEEN) ? unseen : seen;
            int size = pool.isEmpty() ? 0 : config.sizes().get(name);
            splits.put(
                    name,
                    new ShapesSplit(
                            name,
                            size,
                            pool.stream().mapToInt(Integer::intValue).toArray(),
                            name.equals(HELD_OUT_RENDERER) ? heldOut : config.renderer()));
        }
    }

    @Override
    public List<String> splits() {
        return SPLITS;
    }

    @Override
    public Split split(String name) {
        Split s = splits.get(name);
        if (s == null) {
            throw StoaException.badInput("split", "dataset 'shapes' has no split '" + name + "'; use one of " + SPLITS);
        }
        return s;
    }

    @Override
    public List<String> labels() {
        return ShapesConfig.labels();
    }

    @Override
    public List<String> promptTemplates() {
        return PROMPTS;
    }

    @Override
    public Map<String, Object> describe() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("id", ShapesConfig.ID);
        d.put("seed", config.seed());
        d.put("image_size", config.imageSize());
        d.putAll(config.renderer().asOptions());
        d.put("size_range", List.of(config.minSize(), config.maxSize()));
        d.put("max_count", config.maxCount());
        d.put("text_probability", config.textProbability());
        d.put("attribute_captions", config.attributeCaptions().word());
        d.put("holdout", List.copyOf(config.holdout()));
        d.put("held_out_renderer", heldOut.asOptions());
        d.put("caption_noise", config.captionNoise());
        d.put("masks", config.masks());
        Map<String, Integer> sizes = new LinkedHashMap<>();
        splits.forEach((name, s) -> sizes.put(name, s.size()));
        d.put("splits", sizes);
        d.put("labels", labels().size());
        d.put("skipped", 0);
        return d;
    }

    @Override
    public void close() {
        // nothing held: every example is rendered on demand
    }

    /** One split: its own seed stream and the labels it draws from. */
    private final class ShapesSplit implements Split {

        private final String name;
        private final int size;
        private final int[] labels;
        private final long splitSeed;
        private final RendererOptions looks;
        private final boolean plainLooks;
        private final CaptionNoise captionNoise;

        ShapesSplit(String name, int size, int[] labels, RendererOptions looks) {
            this.name = name;
            this.size = size;
            this.labels = labels;
            this.looks = looks;
            this.plainLooks = looks.isPlain(config.imageSize());
            // ALIGN's noisy pairs: in train only, never in an evaluation split
            this.captionNoise = name.equals("train") ? new CaptionNoise(config.captionNoise(), config, labels) : null;
            this.splitSeed = StableHash.mix(config.seed() * 0x9E3779B97F4A7C15L + StableHash.fnv(name));
        }

        @Override
        public int size() {
            return size;
        }

        @Override
        public Example get(int index) {
            if (index < 0 || index >= size) {
                throw new IndexOutOfBoundsException(
                        "split '" + name + "' has indexes 0 to " + (size - 1) + "; asked for " + index);
            }
            long exampleSeed = StableHash.mix(splitSeed + 0x632BE59BD9B4E019L * (index + 1L));
            SplittableRandom turned =
                    looks.rotation() > 0 ? new SplittableRandom(StableHash.mix(exampleSeed ^ TURNED_SALT)) : null;
            ShapeScene scene = ShapeScene.generate(config, labels, new SplittableRandom(exampleSeed), turned);
            // the seed the noise background always had, so that it draws the same grey noise as before
            long noiseBackgroundSeed = StableHash.mix(exampleSeed ^ 0x5DEECE66DL);
            ShapeLook look = ShapeLook.draw(
                    looks,
                    scene.colour(),
                    noiseBackgroundSeed,
                    new SplittableRandom(StableHash.mix(exampleSeed ^ LOOK_SALT)),
                    name.equals(HELD_OUT_RENDERER));
            Map<String, String> attributes = new LinkedHashMap<>();
            attributes.put("colour", scene.colour().word());
            attributes.put("shape", scene.kind().word());
            attributes.put("count", Integer.toString(scene.count()));
            attributes.put("size", scene.size());
            if (scene.position() != null) {
                attributes.put("position", scene.position());
            }
            if (scene.text() != null) {
                attributes.put("text", scene.text());
            }
            Image image = renderer.render(scene, look, plainLooks);
            if (config.masks()) {
                attributes.put(
                        ShapeMasks.ATTRIBUTE, ShapeMasks.encode(ShapeMasks.masks(scene, look, config.imageSize())));
            }
            List<String> captions = captionNoise == null ? null : captionNoise.wrongCaptions(scene, exampleSeed);
            if (captions != null) {
                attributes.put(CaptionNoise.ATTRIBUTE, "true");
            }
            return new Example(
                    name + "/" + index,
                    image,
                    captions != null ? captions : ShapeCaptions.captions(scene, config.attributeCaptions()),
                    scene.label(),
                    attributes);
        }

        @Override
        public long skipped() {
            return 0;
        }
    }
}
