package dev.stoa.onnxruntime.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.bgesmallenv15.BgeSmallEnV15EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.bgesmallenv15q.BgeSmallEnV15QuantizedEmbeddingModel;
import dev.stoa.api.data.Embedding;
import dev.stoa.api.data.Text;
import java.util.List;
import java.util.function.Supplier;
import org.assertj.core.data.Offset;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Stoa's embeddings agree with an independent implementation of the same models: LangChain4j's in-process
 * embedding models, which read the same ONNX and tokenizer files but tokenize, run and pool one text at a time with
 * their own code. Stoa encodes all 50 sentences as one padded batch, so this also checks that padding is masked out.
 */
class ReferenceEmbeddingsTest {

    static List<Arguments> models() {
        return List.of(
                Arguments.of(TestModels.MINILM, "mean", (Supplier<EmbeddingModel>) AllMiniLmL6V2EmbeddingModel::new),
                Arguments.of(TestModels.MINILM_Q, "mean", (Supplier<EmbeddingModel>)
                        AllMiniLmL6V2QuantizedEmbeddingModel::new),
                Arguments.of(TestModels.BGE, "cls", (Supplier<EmbeddingModel>) BgeSmallEnV15EmbeddingModel::new),
                Arguments.of(
                        TestModels.BGE_Q, "cls", (Supplier<EmbeddingModel>) BgeSmallEnV15QuantizedEmbeddingModel::new));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void matchesLangChain4jOnFiftySentences(String name, String pooling, Supplier<EmbeddingModel> reference)
            throws Exception {
        EmbeddingModel langchain4j = reference.get();
        try (OnnxSentenceEncoder stoa = TestModels.load(name, pooling)) {
            List<Embedding> ours = stoa.encodeBatch(
                    TestModels.SENTENCES.stream().map(Text::new).toList());
            double worst = 1;
            for (int i = 0; i < TestModels.SENTENCES.size(); i++) {
                String sentence = TestModels.SENTENCES.get(i);
                Embedding theirs =
                        new Embedding(langchain4j.embed(sentence).content().vector());
                double cosine = ours.get(i).cosine(theirs);
                worst = Math.min(worst, cosine);
                assertThat(ours.get(i).dimension()).isEqualTo(384);
                assertThat(ours.get(i).norm()).isCloseTo(1.0, Offset.offset(1e-5));
                assertThat(cosine)
                        .as("cosine with LangChain4j for sentence %d: %s", i, sentence)
                        .isGreaterThanOrEqualTo(0.9999);
            }
            System.out.printf(
                    "[measure] %s: worst cosine with LangChain4j over %d sentences %.7f%n",
                    name, TestModels.SENTENCES.size(), worst);
        }
    }
}
