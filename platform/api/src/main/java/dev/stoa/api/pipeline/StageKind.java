package dev.stoa.api.pipeline;

import java.util.Set;

/**
 * A kind of pipeline stage, named by the key that selects it in a stage ({@code template:} for the template kind).
 * Register an implementation as an OSGi service to make the key usable in every pipeline file; files that use a key
 * no bundle provides are reported as invalid until one does. Implementations are stateless and thread-safe.
 *
 * <pre>
 * &#64;Component(service = StageKind.class)
 * public final class UpperKind implements StageKind {
 *     public String name() { return "upper"; }
 *     public Set&lt;String&gt; fields() { return Set.of(); }
 *     public Stage parse(StageSpec spec) {
 *         Ref ref = spec.ref(spec.value());          // upper: $caption.text
 *         return ref == null ? null : new Upper(ref);
 *     }
 * }
 * </pre>
 */
public interface StageKind {

    /** @return the key that selects this kind in a stage, e.g. {@code template}; lower-case letters and digits */
    String name();

    /**
     * @return the fields this kind reads besides its key, e.g. {@code input} and {@code with} for {@code call}.
     *     The fields every stage has ({@code description}, {@code when}) and those of every {@link ServiceStage}
     *     ({@code timeout}, {@code retries}, {@code maxInFlight}, {@code optional}) are the engine's; do not list them
     */
    Set<String> fields();

    /**
     * Reads one stage of this kind.
     *
     * @param spec the stage as written: its key's value, its other fields, and where to report problems
     * @return the stage, or {@code null} when {@link StageSpec#problem} was called and nothing runnable remains
     */
    Stage parse(StageSpec spec);
}
