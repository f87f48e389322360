package dev.stoa.api.runtime;

import java.util.List;

/**
 * A pipeline file and what became of it.
 *
 * @param name the pipeline's name; it is served at {@code stoa.pipeline.<name>}
 * @param file the file it comes from, relative to {@code etc/}
 * @param state {@code serving} (valid, and every service it calls is present), {@code waiting} (valid, but a service
 *        it calls is not installed: it is served as soon as that service appears) or {@code invalid}
 * @param errors what is wrong, each naming the file, line and field and how to fix it; while a file is invalid its
 *        last valid version keeps serving, if there was one
 * @param missingServices the ids of the services a waiting pipeline needs
 */
public record PipelineInfo(String name, String file, String state, List<String> errors, List<String> missingServices) {

    public PipelineInfo {
        errors = List.copyOf(errors);
        missingServices = List.copyOf(missingServices);
    }
}
