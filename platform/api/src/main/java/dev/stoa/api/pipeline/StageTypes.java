package dev.stoa.api.pipeline;

import dev.stoa.api.runtime.ExportedService;

/** What the validator knows while it checks one stage ({@link Stage#check}). */
public interface StageTypes {

    /**
     * @param ref a reference the stage reads
     * @return its type; {@link ValueType#UNKNOWN} when it cannot be known before a request (a field of a service's
     *     JSON answer when the service publishes no schema)
     */
    ValueType typeOf(Ref ref);

    /**
     * @param id a service id the stage calls
     * @return the service as exported now, or {@code null} when it is not installed (the pipeline then waits for it)
     */
    ExportedService service(String id);

    /**
     * @param id a service id the stage calls
     * @return what the service takes: its input type, with the fields of its {@link ServiceSchema} when it takes
     *     JSON and publishes one; {@link ValueType#UNKNOWN} when it is not installed
     */
    ValueType inputOf(String id);

    /**
     * @param id a service id the stage calls
     * @return what the service answers, with the fields of its {@link ServiceSchema} when it answers JSON and
     *     publishes one; {@link ValueType#UNKNOWN} when it is not installed
     */
    ValueType outputOf(String id);

    /**
     * Reports a type problem of this stage.
     *
     * @param field the stage's field at fault, e.g. {@code input} (reported as {@code stages.<id>.input})
     * @param message what does not fit and how to fix it
     */
    void problem(String field, String message);
}
