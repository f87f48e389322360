package dev.stoa.onnxruntime.internal;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A sentence encoder's folder, in the Hugging Face layout: {@code model.onnx}, {@code tokenizer.json} and, when
 * present, {@code config.json} (only its {@code max_position_embeddings} is read). An optional descriptor,
 * {@value #DESCRIPTOR}, names what differs from that layout and the post-processing:
 *
 * <pre>{@code
 * {
 *   "model": "model.onnx",                 // the ONNX file
 *   "tokenizer": "tokenizer.json",         // a Hugging Face tokenizers file
 *   "inputs": {"ids": "input_ids", "mask": "attention_mask", "typeIds": "token_type_ids"},  // int64 (B, S)
 *   "output": "last_hidden_state",         // float (B, S, D)
 *   "pooling": "mean",                     // mean | cls
 *   "normalize": true,                     // L2-normalise the pooled vector
 *   "maxTokens": 0                         // window incl. [CLS]/[SEP]; 0: tokenizer's, else config.json's, else 512
 * }
 * }</pre>
 *
 * Every field is optional; the values above are the defaults. {@code typeIds} is fed only when the model has
 * that input.
 *
 * @param folder the folder
 * @param model the ONNX file
 * @param tokenizer the tokenizer file
 * @param idsInput name of the token-id input
 * @param maskInput name of the attention-mask input
 * @param typeIdsInput name of the token-type input
 * @param output name of the hidden-state output
 * @param pooling the pooling
 * @param normalize whether to L2-normalise
 * @param maxTokens the descriptor's window, or 0 when it names none
 * @param maxPositions {@code config.json}'s {@code max_position_embeddings}, or 0 when unknown
 */
record ModelFolder(
        Path folder,
        Path model,
        Path tokenizer,
        String idsInput,
        String maskInput,
        String typeIdsInput,
        String output,
        Pooling pooling,
        boolean normalize,
        int maxTokens,
        int maxPositions) {

    /** The descriptor's file name. */
    static final String DESCRIPTOR = "stoa-encoder.json";

    /**
     * Reads a folder and checks that its files exist.
     *
     * @param folder the model folder
     * @return what it holds
     * @throws StoaException {@link FailureCode#BAD_CONFIG} naming the missing file or the bad descriptor field
     */
    static ModelFolder read(Path folder) {
        if (!Files.isDirectory(folder)) {
            throw new StoaException(
                    FailureCode.BAD_CONFIG,
                    "model folder " + folder + " does not exist; set 'folder'"
                            + " to a folder holding model.onnx and tokenizer.json");
        }
        JsonObject d = json(folder.resolve(DESCRIPTOR));
        String where = folder.resolve(DESCRIPTOR).toString();
        try {
            return read(folder, d, where);
        } catch (ClassCastException | IllegalStateException | UnsupportedOperationException | NumberFormatException e) {
            // Gson's getAsX on a value of the wrong JSON type
            throw new StoaException(
                    FailureCode.BAD_CONFIG,
                    where + " or config.json has a field of the wrong type (" + e.getMessage()
                            + "); see the field list in the extension's README",
                    e);
        }
    }

    private static ModelFolder read(Path folder, JsonObject d, String where) {
        JsonObject inputs = d.has("inputs") ? d.getAsJsonObject("inputs") : new JsonObject();
        Path model = existing(folder, string(d, "model", "model.onnx"));
        Path tokenizer = existing(folder, string(d, "tokenizer", "tokenizer.json"));
        int maxTokens = d.has("maxTokens") ? d.get("maxTokens").getAsInt() : 0;
        if (maxTokens < 0) {
            throw new StoaException(
                    FailureCode.BAD_CONFIG,
                    where + ": maxTokens is " + maxTokens + "; use 0 (the tokenizer's) or a positive window");
        }
        JsonObject config = json(folder.resolve("config.json"));
        int maxPositions = config.has("max_position_embeddings")
                ? config.get("max_position_embeddings").getAsInt()
                : 0;
        return new ModelFolder(
                folder,
                model,
                tokenizer,
                string(inputs, "ids", "input_ids"),
                string(inputs, "mask", "attention_mask"),
                string(inputs, "typeIds", "token_type_ids"),
                string(d, "output", "last_hidden_state"),
                Pooling.parse(string(d, "pooling", "mean"), where),
                !d.has("normalize") || d.get("normalize").getAsBoolean(),
                maxTokens,
                maxPositions);
    }

    private static Path existing(Path folder, String name) {
        Path file = folder.resolve(name);
        if (!Files.isRegularFile(file)) {
            throw new StoaException(
                    FailureCode.BAD_CONFIG,
                    "model folder " + folder + " has no " + name + "; put the file there or name another in "
                            + DESCRIPTOR);
        }
        return file;
    }

    private static String string(JsonObject o, String field, String fallback) {
        JsonElement e = o.get(field);
        return e == null || e.isJsonNull() ? fallback : e.getAsString();
    }

    /** @return the file's object, or an empty one when the file does not exist (both files are optional) */
    private static JsonObject json(Path file) {
        if (!Files.isRegularFile(file)) {
            return new JsonObject();
        }
        try {
            return JsonParser.parseString(Files.readString(file)).getAsJsonObject();
        } catch (IOException | JsonParseException | IllegalStateException e) {
            throw new StoaException(
                    FailureCode.BAD_CONFIG, file + " is not a readable JSON object: " + e.getMessage(), e);
        }
    }
}
