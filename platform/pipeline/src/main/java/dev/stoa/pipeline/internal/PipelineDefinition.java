package dev.stoa.pipeline.internal;

import dev.stoa.api.pipeline.Ref;
import java.util.Map;
import java.util.Set;

/**
 * A pipeline as written in {@code etc/pipelines/<name>.yaml} (the stage language: platform/pipeline/README.md):
 *
 * <pre>
 * input: {image: Image, question: String}   # the request: a type, or its fields and their types
 * include: [socratic-count.stages.yaml]      # stages shared with other pipelines
 * stages:
 *   caption: {call: captioner, input: $input.image, timeout: 5s}
 *   prompt: {template: "Scene: {{caption.text}}. Question: {{input.question}}"}
 *   answer: {call: llm, with: {prompt: $prompt.text}, when: $caption.text}
 * output: $answer
 * </pre>
 *
 * Stages run as soon as what they read is ready, so independent stages run in parallel.
 *
 * @param name the pipeline's name (the file name without {@code .yaml}); served at {@code stoa.pipeline.<name>}
 * @param file the file, relative to etc/
 * @param input what a request holds, and how it is decoded when it arrives
 * @param stages the stages by id: included stages first, then the file's own, each in file order
 * @param output the value the pipeline answers with
 * @param includes every stage file it includes, directly or through another included file (relative to etc/)
 */
record PipelineDefinition(
        String name,
        String file,
        InputSchema input,
        Map<String, StageEntry> stages,
        Ref output,
        Set<String> includes) {}
