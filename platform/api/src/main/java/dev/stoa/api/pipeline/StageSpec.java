package dev.stoa.api.pipeline;

/**
 * One stage as written, handed to {@link StageKind#parse}. The engine has already rejected unknown fields and read
 * the fields it owns; the kind reads its key's value and its own {@link StageKind#fields()}.
 */
public interface StageSpec {

    /** @return the stage's id (its key under {@code stages:}) */
    String id();

    /** @return the value of the kind's key, e.g. the service id of {@code call: captioner} */
    SpecNode value();

    /**
     * @param name one of the kind's {@link StageKind#fields()}
     * @return its value, or {@code null} when the stage does not set it
     */
    SpecNode field(String name);

    /**
     * Reports a problem; the pipeline is invalid, and the message is shown with the node's file, line and path.
     *
     * @param at where the problem is
     * @param message what is wrong and how to fix it, e.g. {@code "must list what to join, e.g. '[$a, $b]'"}
     */
    void problem(SpecNode at, String message);

    /** @return the node's text, or {@code null} (a problem reported) when it is a list or mapping */
    String scalar(SpecNode node);

    /** @return the reference {@code $source.field} the node holds, or {@code null} (a problem reported) */
    Ref ref(SpecNode node);

    /**
     * @return a literal: a {@link Ref} for {@code $...}, a {@code Long}, {@code Double}, {@code Boolean} or
     *     {@code String} for a scalar (quoted scalars stay strings), a {@code List} of such for a list; or
     *     {@code null} (a problem reported) for a mapping
     */
    Object literal(SpecNode node);
}
