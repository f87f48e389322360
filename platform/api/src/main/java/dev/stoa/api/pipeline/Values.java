package dev.stoa.api.pipeline;

/** The values of one request to a pipeline: its input and the outputs of the stages that ran so far. */
public interface Values {

    /**
     * @param ref a reference the stage listed in {@link Stage#reads()}
     * @return the value, or {@code null} when it is absent (a skipped stage, a field the value does not have). A
     *     record's fields are read by the names of its JSON form ({@code text} of a {@code Text}); an
     *     {@code Image} is returned as the decoded record, never as base64
     */
    Object get(Ref ref);

    /** @return the pipeline's name, for messages */
    String pipeline();
}
