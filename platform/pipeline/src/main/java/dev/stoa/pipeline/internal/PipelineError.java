package dev.stoa.pipeline.internal;

/**
 * One thing wrong with a pipeline file, located and explained.
 *
 * @param file the file, relative to etc/, e.g. {@code pipelines/caption.yaml}
 * @param line 1-based line number, or 0 when the whole file is at fault
 * @param field the path of the field at fault, e.g. {@code stages.tags.call}
 * @param message what is wrong and how to fix it
 */
record PipelineError(String file, int line, String field, String message) {

    @Override
    public String toString() {
        return file + (line > 0 ? ":" + line : "") + ": " + (field.isEmpty() ? "" : field + ": ") + message;
    }
}
