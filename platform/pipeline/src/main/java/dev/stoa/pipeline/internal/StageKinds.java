package dev.stoa.pipeline.internal;

import dev.stoa.api.pipeline.StageKind;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stage kinds a pipeline file may use, by key: the built-in ones and those bundles register as
 * {@link StageKind} services. A key is served by one kind: a built-in key, or one already taken, is refused.
 */
final class StageKinds {

    private static final Logger LOG = LoggerFactory.getLogger(StageKinds.class);
    /** The built-in kinds, written against the same interface as a bundle's. */
    static final List<StageKind> BUILT_IN =
            List.of(new CallKind(), new MapKind(), new TemplateKind(), new MergeKind(), new TopKind());

    private final Map<String, StageKind> byName = new ConcurrentHashMap<>();

    StageKinds() {
        BUILT_IN.forEach(k -> byName.put(k.name(), k));
    }

    /** @return the built-in kinds only */
    static StageKinds builtIn() {
        return new StageKinds();
    }

    /**
     * @param kind a bundle's kind
     * @return whether it was added; a key already served is refused (and logged)
     */
    boolean add(StageKind kind) {
        String name = kind.name();
        if (name == null || !name.matches("[a-z][a-z0-9]*")) {
            LOG.error(
                    "Stage kind {} ignored: its name '{}' must be lower-case letters and digits",
                    kind.getClass().getName(),
                    name);
            return false;
        }
        StageKind before = byName.putIfAbsent(name, kind);
        if (before != null) {
            LOG.error(
                    "Stage kind '{}' of {} ignored: {} already serves that key",
                    name,
                    kind.getClass().getName(),
                    before.getClass().getName());
            return false;
        }
        return true;
    }

    /** @return whether the kind was one of those serving */
    boolean remove(StageKind kind) {
        return !BUILT_IN.contains(kind) && byName.remove(kind.name(), kind);
    }

    StageKind get(String name) {
        return byName.get(name);
    }

    /** @return the keys, sorted */
    Set<String> names() {
        return new TreeSet<>(byName.keySet());
    }

    /** @return for each field some kind reads, the kinds that read it (for "only 'top' stages take 'by'") */
    Map<String, Set<String>> fieldOwners() {
        Map<String, Set<String>> out = new TreeMap<>();
        byName.values()
                .forEach(k -> k.fields()
                        .forEach(f ->
                                out.computeIfAbsent(f, x -> new TreeSet<>()).add(k.name())));
        return out;
    }
}
