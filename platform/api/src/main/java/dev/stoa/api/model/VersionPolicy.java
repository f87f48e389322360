package dev.stoa.api.model;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import java.util.Collection;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Which published versions of a model are loaded, as Triton's {@code version_policy} says it: the newest
 * {@code n}, all of them, or a fixed list. Of the loaded versions the newest serves the model's service ids; when a
 * policy loads several, each one also serves {@code <service-id>.v<n>}.
 *
 * <p>Written in configuration as {@code latest}, {@code latest:2}, {@code all} or {@code specific:1,3}.
 */
public sealed interface VersionPolicy {

    /**
     * @param published the versions in the model store
     * @return the versions this policy loads, a subset of {@code published}
     */
    SortedSet<Integer> select(Collection<Integer> published);

    /** @return the policy as configuration writes it ({@link #parse(String)} reads it back) */
    String spec();

    /** @return whether this policy may load more than one version at once */
    default boolean multiVersion() {
        return !(this instanceof Latest l && l.count() == 1);
    }

    /**
     * The newest {@code count} versions.
     *
     * @param count how many, at least 1
     */
    record Latest(int count) implements VersionPolicy {
        public Latest {
            if (count < 1) {
                throw new StoaException(
                        FailureCode.BAD_CONFIG,
                        "version policy 'latest:" + count + "': keep at least"
                                + " one version, e.g. latest or latest:2");
            }
        }

        @Override
        public SortedSet<Integer> select(Collection<Integer> published) {
            TreeSet<Integer> all = new TreeSet<>(published);
            TreeSet<Integer> out = new TreeSet<>();
            for (Integer v : all.descendingSet()) {
                if (out.size() == count) {
                    break;
                }
                out.add(v);
            }
            return out;
        }

        @Override
        public String spec() {
            return count == 1 ? "latest" : "latest:" + count;
        }
    }

    /** Every published version. */
    record All() implements VersionPolicy {
        @Override
        public SortedSet<Integer> select(Collection<Integer> published) {
            return new TreeSet<>(published);
        }

        @Override
        public String spec() {
            return "all";
        }
    }

    /**
     * Exactly these versions, those of them that are published.
     *
     * @param versions the version numbers
     */
    record Specific(SortedSet<Integer> versions) implements VersionPolicy {
        public Specific {
            versions = java.util.Collections.unmodifiableSortedSet(new TreeSet<>(versions));
            if (versions.isEmpty()) {
                throw new StoaException(
                        FailureCode.BAD_CONFIG,
                        "version policy 'specific:' lists no version; write" + " e.g. specific:1,3");
            }
        }

        @Override
        public SortedSet<Integer> select(Collection<Integer> published) {
            TreeSet<Integer> out = new TreeSet<>(published);
            out.retainAll(versions);
            return out;
        }

        @Override
        public String spec() {
            return "specific:"
                    + String.join(",", versions.stream().map(String::valueOf).toList());
        }
    }

    /** @return the default policy: the newest version only */
    static VersionPolicy latest() {
        return new Latest(1);
    }

    /**
     * Reads a policy as configuration writes it.
     *
     * @param spec {@code latest}, {@code latest:N}, {@code all} or {@code specific:N,M,...}
     * @return the policy
     * @throws StoaException {@code BAD_CONFIG} naming the accepted forms
     */
    static VersionPolicy parse(String spec) {
        String s = spec == null ? "" : spec.trim();
        try {
            if (s.equals("latest")) {
                return latest();
            }
            if (s.equals("all")) {
                return new All();
            }
            if (s.startsWith("latest:")) {
                return new Latest(
                        Integer.parseInt(s.substring("latest:".length()).trim()));
            }
            if (s.startsWith("specific:")) {
                TreeSet<Integer> versions = new TreeSet<>();
                for (String v : s.substring("specific:".length()).split(",")) {
                    if (!v.isBlank()) {
                        versions.add(Integer.parseInt(v.trim()));
                    }
                }
                return new Specific(versions);
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new StoaException(
                FailureCode.BAD_CONFIG,
                "version policy is '" + spec + "'; use one of " + List.of("latest", "latest:2", "all", "specific:1,3"));
    }
}
