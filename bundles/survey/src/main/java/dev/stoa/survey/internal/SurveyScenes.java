package dev.stoa.survey.internal;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import dev.stoa.api.dataset.Dataset;
import dev.stoa.api.dataset.DatasetFactory;
import dev.stoa.api.dataset.Example;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Draws the benchmark's held-out scenes from the {@code shapes} dataset: the rows file's {@code scenes} options (by
 * default the VQA scenes': 96 px, one to three copies, a word in half of them) with the command's seed, the first
 * {@code n} scenes of a held-out split. The same seed and options give the same images on any machine.
 */
final class SurveyScenes {

    /** The scenes of the benchmark when the rows file says nothing. */
    static final Map<String, Object> DEFAULTS = defaults();

    /** The splits a benchmark may draw from: never {@code train} or {@code val}. */
    static final List<String> HELD_OUT = List.of("test", "test-unseen", "test-renderer", "gallery");

    private SurveyScenes() {}

    private static Map<String, Object> defaults() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("split", "test");
        d.put("retrieval_split", "gallery");
        d.put("image_size", 96);
        d.put("max_count", 3);
        d.put("text_probability", 0.5);
        return java.util.Collections.unmodifiableMap(d);
    }

    /**
     * @param shapes the shapes dataset
     * @param options the rows file's {@code scenes} (over {@link #DEFAULTS}); {@code split} and
     *     {@code retrieval_split} choose the splits, the rest are the dataset's options
     * @param seed the dataset's seed
     * @param n how many scenes of each split
     * @return {@code split} -> its first n scenes, and {@code retrieval_split} -> its first n
     * @throws StoaException {@code BAD_CONFIG} for a split that is not held out or an option the dataset refuses
     */
    static Map<String, List<Scene>> draw(DatasetFactory shapes, Map<String, Object> options, long seed, int n) {
        Map<String, Object> o = new LinkedHashMap<>(DEFAULTS);
        o.putAll(options);
        String split = String.valueOf(o.remove("split"));
        String retrievalSplit = String.valueOf(o.remove("retrieval_split"));
        for (String s : List.of(split, retrievalSplit)) {
            if (!HELD_OUT.contains(s)) {
                throw new StoaException(
                        FailureCode.BAD_CONFIG,
                        "scenes: split '" + s + "' is not held out; use one of " + String.join(", ", HELD_OUT));
            }
        }
        o.put("seed", seed);
        Map<String, List<Scene>> out = new LinkedHashMap<>();
        try (Dataset d = shapes.open(o)) {
            for (String s : List.of(split, retrievalSplit)) {
                if (!d.splits().contains(s)) {
                    throw new StoaException(
                            FailureCode.BAD_CONFIG, "scenes: the shapes dataset has no split '" + s + "'");
                }
                Dataset.Split data = d.split(s);
                List<Scene> scenes = new ArrayList<>();
                for (int i = 0; i < data.size() && scenes.size() < n; i++) {
                    scenes.add(scene(data.get(i)));
                }
                out.put(s, scenes);
            }
        } catch (StoaException e) {
            throw e;
        } catch (Exception e) {
            throw new StoaException(FailureCode.INTERNAL, "the shapes dataset failed: " + e, e);
        }
        return out;
    }

    /**
     * @param clips the {@code shapes-clips} dataset
     * @param options the rows file's {@code clips}: {@code split} (default {@code test}, held out) and the dataset's
     *     options
     * @param seed the dataset's seed
     * @param n how many clips
     * @return the first n clips of the split, cut into frames
     */
    static List<Clip> clips(DatasetFactory clips, Map<String, Object> options, long seed, int n) {
        Map<String, Object> o = new LinkedHashMap<>(options);
        String split = String.valueOf(o.getOrDefault("split", "test"));
        o.remove("split");
        if (!HELD_OUT.contains(split)) {
            throw new StoaException(
                    FailureCode.BAD_CONFIG,
                    "clips: split '" + split + "' is not held out; use one of " + String.join(", ", HELD_OUT));
        }
        o.put("seed", seed);
        List<Clip> out = new ArrayList<>();
        try (Dataset d = clips.open(o)) {
            Dataset.Split data = d.split(split);
            for (int i = 0; i < data.size() && out.size() < n; i++) {
                out.add(Clip.of(data.get(i)));
            }
        } catch (StoaException e) {
            throw e;
        } catch (Exception e) {
            throw new StoaException(FailureCode.INTERNAL, "the shapes-clips dataset failed: " + e, e);
        }
        return out;
    }

    /** @return the most copies a scene of these options has */
    static int maxCount(Map<String, Object> options) {
        Object v = options.getOrDefault("max_count", DEFAULTS.get("max_count"));
        return Integer.parseInt(String.valueOf(v));
    }

    private static Scene scene(Example e) {
        Map<String, String> a = e.attributes();
        return new Scene(
                e.id(),
                Base64.getEncoder().encodeToString(e.image().encodePng()),
                a.get("colour"),
                a.get("shape"),
                Integer.parseInt(a.getOrDefault("count", "1")));
    }
}
