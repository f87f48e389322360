package dev.stoa.repository.internal;

import dev.stoa.api.model.ModelInfo;
import dev.stoa.api.model.ModelStatus;
import dev.stoa.api.model.ModelVersionInfo;
import dev.stoa.api.model.VersionPolicy;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.osgi.framework.ServiceRegistration;

/**
 * Everything the repository knows about one model. Changed only on the repository's own thread; readers see the
 * {@link ModelInfo} snapshots it makes.
 */
final class ModelEntry {

    final String id;
    /** Who opens it; {@code null} while no installed bundle does. */
    ProviderHandle provider;
    /** The versions in the store at the last scan. */
    SortedSet<Integer> published = new TreeSet<>();

    final TreeMap<Integer, LoadedVersion> loaded = new TreeMap<>();
    /** The version whose services answer the plain ids, or {@code null}. */
    LoadedVersion serving;

    final Map<Integer, Failure> failed = new TreeMap<>();
    /** Loaded explicitly, whatever the policy says. */
    final Set<Integer> pinned = new HashSet<>();
    /** Unloaded explicitly: the policy does not load them again. */
    final Set<Integer> unloaded = new HashSet<>();

    boolean unloadedAll;
    /** The untrained stand-ins of a shipped model with no trained version, else empty. */
    final List<ServiceRegistration<?>> standIns = new ArrayList<>();
    /** The service ids of the model, known once a version or the shipped model was opened. */
    List<String> serviceIds = List.of();
    /** The version being opened now (0: the shipped model), or -1. */
    int loading = -1;
    /** Why no bundle serves it, while {@link #provider} is null. */
    String goneReason = "no installed bundle opens it";

    ModelEntry(String id) {
        this.id = id;
    }

    boolean shipped() {
        return provider != null && provider.provider().shipped().contains(id);
    }

    /** @return the versions that should be loaded under this policy and the explicit loads and unloads */
    SortedSet<Integer> desired(VersionPolicy policy) {
        return desired(policy, Set.of());
    }

    /**
     * @param policy the model's version policy
     * @param broken versions that cannot be opened now: the policy chooses among the others, so a broken new version
     *     leaves the previous one serving
     * @return the versions that should be loaded
     */
    SortedSet<Integer> desired(VersionPolicy policy, Set<Integer> broken) {
        TreeSet<Integer> out = new TreeSet<>();
        if (!unloadedAll) {
            // the policy chooses among the versions not unloaded: unloading the newest lets the one before serve
            TreeSet<Integer> candidates = new TreeSet<>(published);
            candidates.removeAll(unloaded);
            candidates.removeAll(broken);
            out.addAll(policy.select(candidates));
        }
        for (Integer v : pinned) {
            if (published.contains(v) && !broken.contains(v)) {
                out.add(v);
            }
        }
        return out;
    }

    /**
     * The model's status without the trainer's view (the repository turns {@code UNTRAINED} into {@code TRAINING}
     * when a run publishes it).
     */
    ModelStatus status(VersionPolicy policy, String trainingFile) {
        if (provider == null) {
            return ModelStatus.gone(id + ": " + goneReason);
        }
        if (serving != null) {
            return ModelStatus.ready();
        }
        if (loading >= 0) {
            return ModelStatus.loading(loading == 0 ? "the shipped model" : "version " + loading);
        }
        SortedSet<Integer> desired = desired(policy);
        for (Integer v : new TreeSet<>(desired).descendingSet()) {
            Failure f = failed.get(v);
            if (f != null) {
                return ModelStatus.failed("version " + v + ": " + f.reason());
            }
        }
        if (published.isEmpty()) {
            Failure f = failed.get(0);
            return f != null
                    ? ModelStatus.failed("the shipped model: " + f.reason())
                    : ModelStatus.untrained(id, trainingFile);
        }
        if (desired.isEmpty()) {
            return ModelStatus.gone(
                    id + " was unloaded; load it again with POST /v1/models/" + id + "/load (management token)");
        }
        return ModelStatus.loading("version " + desired.last());
    }

    ModelInfo describe(VersionPolicy policy, ModelStatus status) {
        return describe(policy, status, (model, version) -> null);
    }

    /**
     * @param policy the version policy
     * @param status the model's status
     * @param exports what became of a version's ONNX export, or {@code null}
     * @return the snapshot {@code /v1/models} shows
     */
    ModelInfo describe(
            VersionPolicy policy, ModelStatus status, java.util.function.BiFunction<String, Integer, String> exports) {
        List<ModelVersionInfo> versions = new ArrayList<>();
        SortedSet<Integer> desired = desired(policy);
        for (Integer v : published) {
            LoadedVersion l = loaded.get(v);
            ModelStatus s;
            if (l != null) {
                s = ModelStatus.ready();
            } else if (loading == v) {
                s = ModelStatus.loading("version " + v);
            } else if (failed.containsKey(v)) {
                s = ModelStatus.failed(failed.get(v).reason());
            } else if (desired.contains(v)) {
                s = ModelStatus.loading("version " + v);
            } else {
                s = ModelStatus.gone(
                        unloaded.contains(v) || unloadedAll
                                ? "unloaded"
                                : "not selected by version policy '" + policy.spec() + "'");
            }
            List<String> ids = new ArrayList<>();
            if (l != null) {
                if (l == serving) {
                    ids.addAll(l.serviceIds());
                }
                if (!l.versioned.isEmpty()) {
                    ids.addAll(l.versionedIds());
                }
            }
            versions.add(new ModelVersionInfo(
                    v, s, l != null && l == serving, ids, l != null ? l.engine : null, exports.apply(id, v)));
        }
        return new ModelInfo(id, status, policy, versions, serviceIds, provider == null ? null : provider.bundle());
    }

    boolean idle() {
        return provider == null && loaded.isEmpty() && standIns.isEmpty() && published.isEmpty();
    }
}
