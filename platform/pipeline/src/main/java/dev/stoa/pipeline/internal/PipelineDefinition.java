package dev.stoa.pipeline.internal;

import java.util.Map;

/**
 * A pipeline as written in {@code etc/pipelines/<name>.yaml}:
 *
 * <pre>
 * input: Image                 # the request's type: Text, Image, Audio, Embedding, Tokens, Mask or JsonObject
 * stages:
 *   caption:
 *     call: captioner          # a service id
 *     input: $input            # what it gets (default $input)
 *     timeout: 5s
 *   prompt:
 *     template: "Scene: {{caption.text}}. Question: {{input.question}}"
 *   answer:
 *     call: llm
 *     input: $prompt
 *     when: $caption.text      # skipped when false or absent
 * output: $answer
 * </pre>
 *
 * Stages run as soon as what they read is ready, so independent stages run in parallel.
 *
 * @param name the pipeline's name (the file name without {@code .yaml}); served at {@code stoa.pipeline.<name>}
 * @param file the file, relative to etc/
 * @param inputType the simple name of the request's type
 * @param stages the stages by id, in file order
 * @param output the value the pipeline answers with
 */
record PipelineDefinition(String name, String file, String inputType, Map<String, Stage> stages, Ref output) {
}
