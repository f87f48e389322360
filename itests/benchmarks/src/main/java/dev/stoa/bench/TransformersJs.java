package dev.stoa.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The transformers.js peer: {@code @huggingface/transformers} on Node, installed by the {@code bench} profile with
 * the npm client into {@code target/transformersjs}, loading the same {@code model.onnx} and {@code tokenizer.json}
 * offline ({@code env.allowRemoteModels = false}, {@code env.localModelPath}). transformers.js wants the Hugging Face
 * hub layout, so the run builds one of links to those files plus the two small JSON files it also reads
 * ({@code config.json}: BERT, 6 layers, 384 wide; {@code tokenizer_config.json}: lower-casing BERT tokenizer, window
 * 128), as MiniLM's hub repository has them.
 */
final class TransformersJs {

    static final String MODEL_ID = "all-minilm-l6-v2";

    private static final String CONFIG = "{\"model_type\":\"bert\",\"hidden_size\":384,\"num_attention_heads\":12,"
            + "\"num_hidden_layers\":6,\"intermediate_size\":1536,\"max_position_embeddings\":512,"
            + "\"vocab_size\":30522}";
    private static final String TOKENIZER_CONFIG = "{\"tokenizer_class\":\"BertTokenizer\",\"do_lower_case\":true,"
            + "\"model_max_length\":128,\"cls_token\":\"[CLS]\",\"sep_token\":\"[SEP]\",\"pad_token\":\"[PAD]\","
            + "\"unk_token\":\"[UNK]\",\"mask_token\":\"[MASK]\"}";

    private TransformersJs() {}

    /**
     * Runs one closed-loop load level on Node.
     *
     * @param install the npm install folder (holds node_modules/@huggingface/transformers)
     * @param modelFolder the folder with model.onnx and tokenizer.json
     * @return the script's JSON line: throughput_per_s, p50_ms, p99_ms, answered, embedding0, versions
     * @throws IOException with the reason when Node, the package or the run fails
     */
    static JsonObject run(
            Path installFolder,
            Path modelFolder,
            List<String> sentences,
            long warmMs,
            long measureMs,
            int concurrency,
            int threads)
            throws IOException, InterruptedException {
        Path install = installFolder.toAbsolutePath();
        if (!Files.isDirectory(install.resolve("node_modules/@huggingface/transformers"))) {
            throw new IOException("@huggingface/transformers is not installed in " + install + " (the bench profile"
                    + " installs it with npm; run with -Pbench, or npm was not reachable)");
        }
        Path hub = install.resolve("models").resolve(MODEL_ID);
        Files.createDirectories(hub.resolve("onnx"));
        link(hub.resolve("onnx/model.onnx"), modelFolder.resolve("model.onnx"));
        link(hub.resolve("tokenizer.json"), modelFolder.resolve("tokenizer.json"));
        Files.writeString(hub.resolve("config.json"), CONFIG);
        Files.writeString(hub.resolve("tokenizer_config.json"), TOKENIZER_CONFIG);
        Path script = install.resolve("transformers-bench.mjs");
        try (InputStream in = TransformersJs.class.getResourceAsStream("transformers-bench.mjs")) {
            Files.write(script, in.readAllBytes());
        }
        Path sentencesFile = install.resolve("sentences.json");
        Files.writeString(sentencesFile, new JsonArray(sentences).encode());
        Process p = new ProcessBuilder(
                        "node",
                        script.toString(),
                        install.resolve("models").toString(),
                        MODEL_ID,
                        Long.toString(warmMs),
                        Long.toString(measureMs),
                        Integer.toString(concurrency),
                        Integer.toString(threads),
                        sentencesFile.toString())
                .directory(install.toFile())
                .redirectErrorStream(true)
                .start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(warmMs + measureMs + 120_000, TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            throw new IOException("node did not finish");
        }
        String text = new String(out, StandardCharsets.UTF_8).trim();
        String last = text.substring(text.lastIndexOf('\n') + 1);
        if (p.exitValue() != 0 || !last.startsWith("{")) {
            throw new IOException(
                    "node exited with " + p.exitValue() + ": " + text.substring(Math.max(0, text.length() - 600)));
        }
        return new JsonObject(last);
    }

    private static void link(Path link, Path target) throws IOException {
        Files.deleteIfExists(link);
        Files.createSymbolicLink(link, target.toAbsolutePath());
    }
}
