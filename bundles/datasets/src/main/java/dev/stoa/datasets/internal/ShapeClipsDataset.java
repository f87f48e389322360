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
 * The {@code shapes-clips} dataset: example {@code i} of a split is a clip ({@link ShapeClip}) drawn from (seed, split,
 * i). A clip travels as one {@link Example}: its image is the F frames side by side, frame 0 on the left ({@code S}
 * high, {@code F * S} wide, nothing drawn between or on them), its captions are the F transcript sentences in frame
 * order, and its attributes say how to cut it ({@code frames}, {@code frame_size}) and what happens
 * ({@code transcript_<k>}, {@code shape}, {@code start_colour}, {@code end_colour}, {@code direction} when it moves,
 * {@code moves}, {@code colour_changes}, {@code appears}, {@code events}).
 *
 * <p>Held out: a clip's split is decided by its structure ({@link ShapeClip#structure()}: shape, first colour,
 * direction, events, start cell), hashed: {@code test} takes the structures whose hash falls below
 * {@code test_fraction}, {@code train} the others. Each split draws clips from its own seed stream and redraws (a
 * fixed sequence of tries) until the clip's structure is its own, so no clip of {@code test} has the structure of any
 * clip of {@code train}.
 */
final class ShapeClipsDataset implements Dataset {

    static final String ID = "shapes-clips";
    static final String TRAIN = "train";
    static final String TEST = "test";
    static final List<String> SPLITS = List.of(TRAIN, TEST);
    static final int MIN_FRAMES = 4;
    static final int MAX_FRAMES = 8;

    private static final long SALT = 0x434C495053L;

    private final DatasetOptions options;
    private final long seed;
    private final int side;
    private final int frames;
    private final double testFraction;
    private final Map<String, Integer> sizes = new LinkedHashMap<>();
    private final ShapeRenderer renderer;

    ShapeClipsDataset(Map<String, ?> given) {
        options = new DatasetOptions(ID, defaults(), given);
        seed = options.integer("seed", Long.MIN_VALUE, Long.MAX_VALUE);
        side = (int) options.integer("image_size", 16, 256);
        frames = (int) options.integer("frames", MIN_FRAMES, MAX_FRAMES);
        testFraction = options.number("test_fraction", 0.05, 0.5);
        sizes.put(TRAIN, (int) options.integer("train_size", 1, 100_000_000));
        sizes.put(TEST, (int) options.integer("test_size", 0, 1_000_000));
        renderer = new ShapeRenderer(side);
    }

    /** @return every option with its default */
    static Map<String, Object> defaults() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("seed", 0);
        d.put("image_size", 32);
        d.put("frames", 4);
        d.put("test_fraction", 0.2);
        d.put("train_size", 1_000_000);
        d.put("test_size", 1000);
        return d;
    }

    @Override
    public List<String> splits() {
        return SPLITS;
    }

    @Override
    public Split split(String name) {
        if (!sizes.containsKey(name)) {
            throw StoaException.badInput("split", "'" + name + "' is not a split of " + ID + "; use one of " + SPLITS);
        }
        return new ClipSplit(name, sizes.get(name));
    }

    @Override
    public List<String> labels() {
        return List.of();
    }

    @Override
    public List<String> promptTemplates() {
        return List.of("{}");
    }

    @Override
    public Map<String, Object> describe() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("id", ID);
        d.putAll(options.effective());
        d.put("splits", new LinkedHashMap<>(sizes));
        d.put("skipped", 0);
        return d;
    }

    @Override
    public void close() {
        // nothing held: every clip is rendered on demand
    }

    /** @return whether a clip of this structure belongs to {@code test} */
    boolean heldOut(ShapeClip clip) {
        return StableHash.unit(ID + "|" + frames + "|" + clip.structure()) < testFraction;
    }

    /**
     * @param split the split's name
     * @param index the index
     * @return the clip at that index, before drawing
     */
    ShapeClip clip(String split, int index) {
        boolean test = split.equals(TEST);
        long base = StableHash.mix(seed * 0x9E3779B97F4A7C15L + StableHash.fnv(split) + SALT);
        long exampleSeed = StableHash.mix(base + 0x632BE59BD9B4E019L * (index + 1L));
        // redraw until the structure is this split's: a fixed sequence of seeds, so the result is a pure function
        // of (seed, split, index)
        for (int attempt = 0; ; attempt++) {
            ShapeClip clip =
                    ShapeClip.generate(frames, side, new SplittableRandom(StableHash.mix(exampleSeed + attempt)));
            if (heldOut(clip) == test) {
                return clip;
            }
        }
    }

    /** Draws a clip's frames side by side. */
    Image render(ShapeClip clip) {
        byte[] strip = new byte[side * frames * side * 3];
        int rowBytes = frames * side * 3;
        for (int k = 0; k < clip.frames(); k++) {
            double[] c = clip.centres().get(k);
            List<double[]> placements = c == null ? List.of() : List.of(new double[] {c[0], c[1], clip.radius()});
            ShapeColour colour = clip.colours().get(k);
            ShapeScene scene = new ShapeScene(colour, clip.kind(), placements, "small", null, null, 0, 0, 0);
            ShapeLook look = new ShapeLook(
                    side,
                    true,
                    false,
                    ShapeLook.STROKE_MIN,
                    new double[Math.max(1, placements.size())],
                    colour.rgb(),
                    RendererOptions.Background.WHITE,
                    0,
                    0,
                    0,
                    0,
                    0);
            byte[] rgb = renderer.render(scene, look, true).rgb();
            for (int y = 0; y < side; y++) {
                System.arraycopy(rgb, y * side * 3, strip, y * rowBytes + k * side * 3, side * 3);
            }
        }
        return new Image(frames * side, side, strip);
    }

    /** @return the example of a clip: the strip, the transcripts, the attributes */
    Example example(String id, ShapeClip clip) {
        List<String> transcripts = new ArrayList<>();
        Map<String, String> a = new LinkedHashMap<>();
        a.put("frames", Integer.toString(clip.frames()));
        a.put("frame_size", Integer.toString(side));
        for (int k = 0; k < clip.frames(); k++) {
            transcripts.add(clip.transcript(k));
            a.put("transcript_" + k, clip.transcript(k));
        }
        a.put("shape", clip.kind().word());
        a.put("start_colour", clip.colours().get(clip.firstVisible()).word());
        a.put("end_colour", clip.colours().get(clip.frames() - 1).word());
        if (clip.moves() > 0) {
            a.put("direction", clip.direction());
        }
        a.put("moves", Integer.toString(clip.moves()));
        a.put(
                "colour_changes",
                Long.toString(
                        clip.events().stream().filter(ShapeClip.COLOUR::equals).count()));
        a.put("appears", Boolean.toString(clip.appears()));
        a.put("events", String.join(",", clip.events().subList(1, clip.frames())));
        return new Example(id, render(clip), transcripts, null, a);
    }

    private final class ClipSplit implements Split {

        private final String name;
        private final int size;

        ClipSplit(String name, int size) {
            this.name = name;
            this.size = size;
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
            return example(name + "/" + index, clip(name, index));
        }

        @Override
        public long skipped() {
            return 0;
        }
    }
}
