package dev.stoa.repository.internal;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import dev.stoa.api.model.VersionPolicy;
import java.util.HashMap;
import java.util.Map;

/**
 * The repository's settings, checked.
 *
 * @param defaultPolicy the policy of models not named in {@code policies}
 * @param policies a policy per model id
 * @param pollMs the store's scan period
 * @param retryFailedMs how long a failed version waits before it is tried again
 * @param warmUp whether opened versions are called once before they serve
 * @param defaultEngines the engine chain of models not named in {@code engines}
 * @param engines an engine chain per model id
 * @param exportOnnx whether a version's ONNX graphs are exported when it is first opened
 */
record Settings(
        VersionPolicy defaultPolicy,
        Map<String, VersionPolicy> policies,
        long pollMs,
        long retryFailedMs,
        boolean warmUp,
        EngineChain defaultEngines,
        Map<String, EngineChain> engines,
        boolean exportOnnx) {

    Settings {
        policies = Map.copyOf(policies);
        engines = Map.copyOf(engines);
        if (pollMs < 50) {
            throw new StoaException(
                    FailureCode.BAD_CONFIG,
                    "pollMs is " + pollMs + " in etc/dev.stoa.repository.cfg;"
                            + " use 50 or more (1000 is the default)");
        }
    }

    /** Settings with every model on {@code pytorch} and export on. */
    Settings(
            VersionPolicy defaultPolicy,
            Map<String, VersionPolicy> policies,
            long pollMs,
            long retryFailedMs,
            boolean warmUp) {
        this(defaultPolicy, policies, pollMs, retryFailedMs, warmUp, EngineChain.PYTORCH_ONLY, Map.of(), true);
    }

    static Settings defaults() {
        return new Settings(
                VersionPolicy.latest(), Map.of(), 1000, 10_000, true, EngineChain.PYTORCH_ONLY, Map.of(), true);
    }

    static Settings from(RepositoryConfig config) {
        Map<String, VersionPolicy> policies = new HashMap<>();
        // a .cfg file writes the entries as one string, separated by ';' (a policy itself may hold commas)
        for (String entry : java.util.Arrays.stream(config.policies())
                .flatMap(e -> java.util.Arrays.stream(e.split(";")))
                .map(String::trim)
                .toList()) {
            if (entry.isBlank()) {
                continue;
            }
            int eq = entry.indexOf('=');
            if (eq <= 0) {
                throw new StoaException(
                        FailureCode.BAD_CONFIG,
                        "policies entry '" + entry + "' in"
                                + " etc/dev.stoa.repository.cfg: write model=policy entries separated by ';', e.g."
                                + " clip-tiny=all; gpt-scene-qa=specific:1,3");
            }
            policies.put(entry.substring(0, eq).trim(), VersionPolicy.parse(entry.substring(eq + 1)));
        }
        return new Settings(
                VersionPolicy.parse(config.defaultPolicy()),
                policies,
                config.pollMs(),
                config.retryFailedMs(),
                config.warmUp(),
                EngineChain.parse(config.engine(), "engine in etc/dev.stoa.repository.cfg"),
                EngineSettings.chains(config.engines()),
                config.exportOnnx());
    }

    /**
     * @param defaultChain the chain of models not named in {@code engines}
     * @param engines the chain per model
     * @param exportOnnx whether versions are exported when first opened
     * @return these settings with those engine settings
     */
    Settings withEngines(EngineChain defaultChain, Map<String, EngineChain> engines, boolean exportOnnx) {
        return new Settings(defaultPolicy, policies, pollMs, retryFailedMs, warmUp, defaultChain, engines, exportOnnx);
    }

    EngineChain engineChainOf(String modelId) {
        return engines.getOrDefault(modelId, defaultEngines);
    }

    VersionPolicy policyOf(String modelId) {
        return policies.getOrDefault(modelId, defaultPolicy);
    }
}
