package dev.stoa.pipeline.internal;

import dev.stoa.api.pipeline.Ref;
import dev.stoa.api.pipeline.ServiceStage;
import dev.stoa.api.pipeline.Stage;
import java.util.ArrayList;
import java.util.List;

/**
 * One stage of a pipeline: what its kind parsed, plus what the engine owns for every stage.
 *
 * @param id the stage's name (its key under {@code stages:}); other stages read its output as {@code $id}
 * @param file the file it is written in (an included stage file, or the pipeline's own)
 * @param line where it starts in that file
 * @param kind the key of its kind, e.g. {@code call}
 * @param stage what the kind parsed
 * @param when when to run it, or {@code null} for always; a stage whose condition is false is skipped
 * @param calls for a {@link ServiceStage}: timeout, retries, in-flight bound and whether it is optional; else
 *     {@code null}
 */
record StageEntry(String id, String file, int line, String kind, Stage stage, Condition when, CallSettings calls) {

    /** @return what the stage reads, its condition included, so the engine can order and parallelise stages */
    List<Ref> reads() {
        List<Ref> refs = new ArrayList<>(stage.reads());
        if (when != null) {
            refs.add(when.ref());
        }
        return refs;
    }

    /** @return whether its services may be absent (then the stage is skipped) */
    boolean optional() {
        return calls != null && calls.optional();
    }

    /** @return the services it calls; empty for a computed stage */
    List<String> services() {
        return stage instanceof ServiceStage s ? s.services() : List.of();
    }
}
