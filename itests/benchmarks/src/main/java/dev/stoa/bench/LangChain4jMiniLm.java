package dev.stoa.bench;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.langchain4j.model.embedding.onnx.AbstractInProcessEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.OnnxBertBiEncoder;
import dev.langchain4j.model.embedding.onnx.PoolingMode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * LangChain4j's in-process MiniLM (its tokenizer, its {@code OnnxBertBiEncoder}, its pooling) on a session opened
 * with Stoa's options, so that the two differ only in their own code. LangChain4j's
 * {@code AllMiniLmL6V2EmbeddingModel} opens its session with ONNX Runtime's defaults and takes no options; the
 * report measures it that way too.
 */
final class LangChain4jMiniLm extends AbstractInProcessEmbeddingModel {

    private final OnnxBertBiEncoder encoder;

    /**
     * @param session an open session on MiniLM's model.onnx
     * @param tokenizer MiniLM's tokenizer.json
     */
    LangChain4jMiniLm(OrtSession session, Path tokenizer) throws IOException {
        super(null);
        try (InputStream in = Files.newInputStream(tokenizer)) {
            this.encoder = new OnnxBertBiEncoder(OrtEnvironment.getEnvironment(), session, in, PoolingMode.MEAN);
        }
    }

    @Override
    protected OnnxBertBiEncoder model() {
        return encoder;
    }
}
