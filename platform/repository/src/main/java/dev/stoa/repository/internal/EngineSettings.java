package dev.stoa.repository.internal;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/** Reads the per-model engine chains of {@code etc/dev.stoa.repository.cfg}. */
final class EngineSettings {

    private EngineSettings() {}

    /**
     * @param entries {@code model=chain} entries, several per string separated by {@code ;} (a .cfg file writes them
     *     as one string; a chain itself holds commas), e.g. {@code clip-tiny=tensorrt, onnxruntime-cpu, pytorch}
     * @return the chain per model id
     * @throws StoaException {@code BAD_CONFIG} naming the entry and the fix
     */
    static Map<String, EngineChain> chains(String[] entries) {
        Map<String, EngineChain> out = new LinkedHashMap<>();
        for (String entry : Arrays.stream(entries == null ? new String[0] : entries)
                .flatMap(e -> Arrays.stream(e.split(";")))
                .map(String::trim)
                .toList()) {
            if (entry.isBlank()) {
                continue;
            }
            int eq = entry.indexOf('=');
            if (eq <= 0) {
                throw new StoaException(
                        FailureCode.BAD_CONFIG,
                        "engines entry '" + entry + "' in etc/dev.stoa.repository.cfg: write model=chain entries"
                                + " separated by ';', e.g. clip-tiny=onnxruntime-cpu, pytorch; gpt-tiny=pytorch");
            }
            String model = entry.substring(0, eq).trim();
            out.put(
                    model,
                    EngineChain.parse(
                            entry.substring(eq + 1), "engines entry for " + model + " in etc/dev.stoa.repository.cfg"));
        }
        return out;
    }
}
