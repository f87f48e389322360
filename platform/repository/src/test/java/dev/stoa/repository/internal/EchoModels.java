package dev.stoa.repository.internal;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import dev.stoa.api.StoaService;
import dev.stoa.api.model.ModelProvider;
import dev.stoa.api.model.ModelService;
import dev.stoa.api.model.ModelSource;
import dev.stoa.api.model.OpenedModel;
import java.nio.file.Files;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A model bundle for the tests: it ships {@code echo-tiny} untrained and opens every {@code echo-*} version of the
 * store as one service {@code <id>-say} that answers {@code v<version>:<input>}. A version folder holding a file
 * {@code broken} fails to open, naming it.
 */
final class EchoModels implements ModelProvider {

    /** What happened, in order: {@code open 2}, {@code close 1}, ... */
    final List<String> log = new CopyOnWriteArrayList<>();
    /** Warm-up calls seen, per version. */
    final List<Integer> warmUps = new CopyOnWriteArrayList<>();

    @Override
    public boolean handles(String modelId) {
        return modelId.startsWith("echo-");
    }

    @Override
    public Set<String> shipped() {
        return Set.of("echo-tiny");
    }

    @Override
    public OpenedModel open(ModelSource source) {
        if (source.trained() && Files.exists(source.folder().resolve("broken"))) {
            throw new StoaException(
                    FailureCode.BAD_CONFIG,
                    "version " + source.version() + " holds a file" + " 'broken'; publish a good version");
        }
        int version = source.version();
        log.add("open " + version);
        StoaService<String, String> say = new StoaService<>() {
            @Override
            public Class<String> inputType() {
                return String.class;
            }

            @Override
            public Class<String> outputType() {
                return String.class;
            }

            @Override
            public String call(String input) {
                if (input.equals("warm-up")) {
                    warmUps.add(version);
                }
                return "v" + version + ":" + input;
            }
        };
        return OpenedModel.of(
                List.of(ModelService.of(source.modelId() + "-say", "model", say)
                        .withProperty("echo.flavour", "plain")
                        .withWarmUp("warm-up")),
                () -> log.add("close " + version));
    }
}
