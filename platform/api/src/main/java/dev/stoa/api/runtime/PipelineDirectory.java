package dev.stoa.api.runtime;

import java.util.List;

/** The pipeline files the platform knows, valid or not; registered by the pipeline bundle. */
public interface PipelineDirectory {

    /** @return one entry per pipeline file, ordered by name */
    List<PipelineInfo> pipelines();
}
