package dev.stoa.onnxruntime.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import dev.stoa.api.data.Embedding;
import dev.stoa.api.data.Text;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.assertj.core.api.ThrowableAssert;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Bad inputs fail with BAD_INPUT naming the field; over-long texts are truncated to the window, as documented. */
class BadInputTest {

    private static OnnxSentenceEncoder encoder;

    @BeforeAll
    static void load() throws Exception {
        encoder = TestModels.load(TestModels.MINILM_Q, "mean");
    }

    @AfterAll
    static void close() {
        encoder.close();
    }

    @Test
    void emptyTextIsRejectedNamingTheField() {
        assertBadInput(() -> encoder.call(new Text("")), "'text'", "empty");
        assertBadInput(() -> encoder.call(new Text(" \t\n")), "'text'", "whitespace");
        assertBadInput(() -> encoder.encodeBatch(List.of(new Text("fine"), new Text(""))), "'texts[1]'", "empty");
    }

    @Test
    void validateRejectsBeforeBatchingWhatCallWouldReject() {
        // the bus calls validate() per call before gathering a batch, so a bad text fails alone
        assertBadInput(() -> encoder.validate(new Text("")), "'text'", "empty");
        assertBadInput(() -> encoder.validate(new Text(" \t")), "'text'", "whitespace");
        assertBadInput(() -> encoder.validate(null), "'text'", "missing");
        encoder.validate(new Text("fine"));
        // the -q model's output depends on its batch companions (found at warm-up): the bus must not batch it
        assertThat(encoder.maxBatchSize()).isEqualTo(1);
    }

    @Test
    void missingTextIsRejectedNamingTheField() {
        assertBadInput(() -> encoder.call(null), "'text'", "missing");
        assertBadInput(() -> new Text(null), "'text'", "missing");
        assertBadInput(() -> encoder.encodeBatch(null), "'texts'", "missing");
        assertBadInput(() -> encoder.encodeBatch(List.of()), "'texts'", "empty");
        assertBadInput(() -> encoder.encodeBatch(Arrays.asList(new Text("a"), null)), "'texts[1]'", "missing");
    }

    @Test
    void textBeyondTheWindowIsCutAtTheRight() {
        // MiniLM's tokenizer file truncates at 128 tokens, the length the model was trained with
        assertThat(encoder.maxTokens()).isEqualTo(128);
        String head = String.join(" ", Collections.nCopies(200, "alpha"));
        Embedding cut = encoder.call(new Text(head));
        Embedding longer = encoder.call(new Text(head + " " + String.join(" ", Collections.nCopies(300, "omega"))));
        assertThat(longer.dimension()).isEqualTo(384);
        assertThat(longer.norm()).isCloseTo(1.0, Offset.offset(1e-5));
        // everything after the first 126 word pieces is dropped, so the tail cannot change the embedding
        assertThat(longer.cosine(cut)).isGreaterThan(0.99999);
        Embedding shortText = encoder.call(new Text(String.join(" ", Collections.nCopies(20, "omega"))));
        assertThat(shortText.cosine(cut)).isLessThan(0.99);
    }

    @Test
    void bgeCutsTextsAtItsWindowOf512Tokens() throws Exception {
        // BGE's window is its 512 positions: a text beyond it must be cut, not overrun the position embeddings
        try (OnnxSentenceEncoder bge = TestModels.load(TestModels.BGE_Q, "cls")) {
            assertThat(bge.maxTokens()).isEqualTo(512);
            String head = String.join(" ", Collections.nCopies(600, "alpha"));
            Embedding cut = bge.call(new Text(head));
            Embedding longer = bge.call(new Text(head + " " + String.join(" ", Collections.nCopies(400, "omega"))));
            assertThat(longer.norm()).isCloseTo(1.0, Offset.offset(1e-5));
            assertThat(longer.cosine(cut)).isGreaterThan(0.99999);
            Embedding shortText = bge.call(new Text(String.join(" ", Collections.nCopies(20, "omega"))));
            assertThat(shortText.cosine(cut)).isLessThan(0.99);
        }
    }

    @Test
    void hugeTextIsTooLarge() {
        String huge = "a".repeat(100_001);
        assertThatThrownBy(() -> encoder.call(new Text(huge)))
                .isInstanceOfSatisfying(
                        StoaException.class, e -> assertThat(e.code()).isEqualTo(FailureCode.TOO_LARGE))
                .hasMessageContaining("'text'")
                .hasMessageContaining("maxChars");
    }

    @Test
    void closedEncoderIsUnavailable() throws Exception {
        OnnxSentenceEncoder other = TestModels.load(TestModels.MINILM_Q, "mean");
        other.close();
        other.close(); // twice is harmless
        assertThatThrownBy(() -> other.call(new Text("hello")))
                .isInstanceOfSatisfying(
                        StoaException.class, e -> assertThat(e.code()).isEqualTo(FailureCode.UNAVAILABLE));
    }

    private static void assertBadInput(ThrowableAssert.ThrowingCallable call, String field, String problem) {
        assertThatThrownBy(call)
                .isInstanceOfSatisfying(
                        StoaException.class, e -> assertThat(e.code()).isEqualTo(FailureCode.BAD_INPUT))
                .hasMessageContaining(field)
                .hasMessageContaining(problem);
    }
}
